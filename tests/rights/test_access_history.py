"""APPI art. 33: a customer reads who read or used its data, from the audit; never anyone
else's reads, and staff are named by login, others by role only."""

from __future__ import annotations

from typing import Any

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry
from tests.conftest import World, code_of, run

MINE = """{ myAccessHistory(first: 100) { nodes { role login purpose about typeName
  fields { field decision } } } }"""


def _ok(result: Any) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return result.data  # type: ignore[no-any-return]


async def test_a_customer_sees_who_read_its_data_and_nothing_else(
    schema: PrivacySchema, world: World
) -> None:
    me, other = world.customers[0], world.customers[1]
    one = "query Q($id: ID!) @purpose(code: %s) { customer(id: $id) { name phone } }"
    await run(schema, one % "C", world.caller(Role.SUPPORT), variables={"id": me.id})
    await run(schema, one % "A", world.caller(Role.AGENT), variables={"id": me.id})
    await run(schema, one % "C", world.caller(Role.SUPPORT), variables={"id": other.id})
    await run(
        schema,
        "query @purpose(code: E) { customers { nodes { name birthDate } } }",
        world.caller(Role.BILLING),
    )
    result, _ = await run(schema, MINE, world.caller(Role.CUSTOMER))
    nodes = _ok(result)["myAccessHistory"]["nodes"]
    assert [(n["role"], n["login"], n["purpose"]) for n in nodes] == [
        ("SUPPORT", "t-support", "C"),
        ("AGENT", None, "A"),  # agents by role only
        ("BILLING", "t-billing", "E"),
    ]
    assert nodes[2]["fields"] == [
        {"field": "name", "decision": "CLEAR"},
        {"field": "birthDate", "decision": "DENIED"},
    ]
    assert {n["about"] for n in nodes} == {"Customer"}
    # Exactly the audit rows about me: the support's read of the other customer is not here.
    about_me = await AuditEntry.filter(subject_type="Customer", subject_id=me.id).count()
    assert len(nodes) == about_me
    assert await AuditEntry.filter(subject_type="Customer", subject_id=other.id).count() == 2


async def test_only_customers_ask_for_their_own_access_history(
    schema: PrivacySchema, world: World
) -> None:
    for role in (Role.SUPPORT, Role.AUDITOR, Role.AGENT):
        result, _ = await run(schema, MINE, world.caller(role))
        assert result.errors and code_of(result.errors[0]) == "FORBIDDEN"
