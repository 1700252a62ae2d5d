"""Row scope: customers reach only themselves, agents only the customers they brought in, staff
any record. Out-of-scope rows are not found, exactly like rows that do not exist."""

from __future__ import annotations

import pytest

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from tests.conftest import World, run

ONE = "query Q($id: ID!) @purpose(code: %s) { customer(id: $id) { id name } }"
LIST = "query @purpose(code: %s) { customers { nodes { id } } }"


def _ids(result: object) -> set[str]:
    return {n["id"] for n in result.data["customers"]["nodes"]}  # type: ignore[attr-defined]


async def test_customer_reaches_only_itself(schema: PrivacySchema, world: World) -> None:
    caller = world.caller(Role.CUSTOMER)
    result, _ = await run(schema, "{ customers { nodes { id } } }", caller)
    assert _ids(result) == {str(world.customers[0].id)}
    other, context = await run(schema, ONE % "A", caller, variables={"id": world.customers[1].id})
    missing, _ = await run(schema, ONE % "A", caller, variables={"id": 999999})
    assert other.data == missing.data == {"customer": None}
    assert other.errors is None and missing.errors is None
    assert context.audit.entries == []


async def test_agent_reaches_only_its_own_customers(schema: PrivacySchema, world: World) -> None:
    caller = world.caller(Role.AGENT)
    result, _ = await run(schema, LIST % "A", caller)
    assert _ids(result) == {str(c.id) for c in world.customers[:3]}
    for foreign in (world.customers[3], world.customers[4]):
        other, _ = await run(schema, ONE % "A", caller, variables={"id": foreign.id})
        assert other.data == {"customer": None} and other.errors is None


@pytest.mark.parametrize(
    ("role", "purpose"),
    [
        (Role.SUPPORT, "A"),
        (Role.BILLING, "E"),
        (Role.MARKETING, "H"),
        (Role.ADMIN, "D"),
        (Role.AUDITOR, "D"),
    ],
)
async def test_staff_reach_every_record(
    schema: PrivacySchema, world: World, role: Role, purpose: str
) -> None:
    result, _ = await run(schema, LIST % purpose, world.caller(role))
    assert _ids(result) == {str(c.id) for c in world.customers}


async def test_analysts_reach_no_record(schema: PrivacySchema, world: World) -> None:
    """P5.F research works on pseudonymised rows only: no customer or agent record, by list
    or by id, with or without a purpose."""
    analyst = world.caller(Role.ANALYST)
    for query in (LIST % "F", "{ customers { nodes { id surveyOptOut } } }"):
        result, _ = await run(schema, query, analyst)
        assert result.errors is None and _ids(result) == set()
    one, _ = await run(schema, ONE % "F", analyst, variables={"id": world.customers[0].id})
    agents, _ = await run(schema, "{ agents { nodes { id } } }", analyst)
    assert one.data == {"customer": None}
    assert agents.data == {"agents": {"nodes": []}}


async def test_agents_list_is_scoped(schema: PrivacySchema, world: World) -> None:
    query = "{ agents { nodes { id code } } }"
    agent, _ = await run(schema, query, world.caller(Role.AGENT))
    assert agent.data["agents"]["nodes"] == [{"id": str(world.agent1.id), "code": "AG1"}]  # type: ignore[index]
    customer, _ = await run(schema, query, world.caller(Role.CUSTOMER))
    assert customer.data["agents"]["nodes"] == []  # type: ignore[index]
    staff, _ = await run(schema, query, world.caller(Role.SUPPORT))
    assert len(staff.data["agents"]["nodes"]) == 2  # type: ignore[index]


async def test_customer_does_not_see_its_agent(schema: PrivacySchema, world: World) -> None:
    result, context = await run(
        schema, "{ customers { nodes { agent { id name phone } } } }", world.caller(Role.CUSTOMER)
    )
    assert result.data == {"customers": {"nodes": [{"agent": None}]}}
    assert all(kind == "Customer" for kind, *_ in context.audit.entries)


async def test_paging_never_crosses_scope(schema: PrivacySchema, world: World) -> None:
    query = """query Q($after: String) @purpose(code: A) {
        customers(first: 1, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } }"""
    seen, after = [], None
    while True:
        result, _ = await run(schema, query, world.caller(Role.AGENT), variables={"after": after})
        page = result.data["customers"]  # type: ignore[index]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [str(c.id) for c in world.customers[:3]]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ("first: 0", "BAD_INPUT"),
        ("first: 1001", "BAD_INPUT"),
        ('after: "bm9wZQ=="', "BAD_INPUT"),
        ('after: "%%%"', "BAD_INPUT"),
    ],
)
async def test_bad_paging_arguments_are_clear_errors(
    schema: PrivacySchema, world: World, args: str, code: str
) -> None:
    result, _ = await run(
        schema, f"{{ customers({args}) {{ nodes {{ id }} }} }}", world.caller(Role.SUPPORT)
    )
    assert result.data is None
    extensions = result.errors[0].extensions or {}  # type: ignore[index]
    assert extensions["code"] == code
    wrong = "first" if "first" in args else "after"
    assert extensions["fields"] == [wrong]  # the argument at fault, by its name


async def test_bad_id_is_a_clear_error(schema: PrivacySchema, world: World) -> None:
    result, _ = await run(schema, ONE % "A", world.caller(Role.SUPPORT), variables={"id": "x'1"})
    assert result.errors[0].extensions == {"code": "BAD_INPUT", "reason": "INVALID_ID"}  # type: ignore[index]
