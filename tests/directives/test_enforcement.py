"""The enforcement point, through the schema: every value is what the policy decides, through
aliases, fragments, nested paths and lists; what must not come back does not."""

from __future__ import annotations

from typing import Any

import pytest

from directives.masks import apply_mask
from directives.policy import DECLARABLE, decide, mask_for
from directives.privacy_schema import PrivacySchema
from directives.scope import permitted, relation, withdrawn_of
from directives.vocabulary import Decision, Purpose, Role
from schema.people.customer import Customer
from tests.conftest import World, run

FIELDS = "name nameKana birthDate postalCode address phone fax email accountNumber accountHolder"
ALL_PERSONAL = FIELDS.split()
COLUMN = {
    "name": "name",
    "nameKana": "name_kana",
    "birthDate": "birth_date",
    "postalCode": "postal_code",
    "address": "address",
    "phone": "phone",
    "fax": "fax",
    "email": "email",
    "accountNumber": "account_number",
    "accountHolder": "account_holder",
}

# ANALYST reaches no customer record at all (research rows only): see test_scope.
PAIRS = [
    (role, purpose)
    for role in Role
    if role is not Role.ANALYST
    for purpose in sorted(DECLARABLE[role])
]


def _expected(
    schema: PrivacySchema, world: World, role: Role, purpose: Purpose | None, node: dict[str, Any]
) -> dict[str, Any]:
    row = next(c for c in world.customers if str(c.id) == node["id"])
    clear = Customer.from_model(row)
    caller = world.caller(role)
    subject = clear.privacy_subject()
    fields = schema.personal_index.fields_of("Customer")
    expected: dict[str, Any] = {"id": node["id"]}
    for name in ALL_PERSONAL:
        value = getattr(clear, COLUMN[name])
        personal = fields[name]
        decision = decide(
            role=role,
            purpose=purpose,
            category=personal.category,
            relation=relation(caller, subject),
            field_purposes=personal.purposes,
            consent_withdrawn=withdrawn_of(subject),
            permitted=permitted(caller, subject),
        )
        expected[name] = {
            Decision.CLEAR: value,
            Decision.MASKED: apply_mask(mask_for(role, personal.category), value),
            Decision.DENIED: None,
        }[decision]
    return expected


@pytest.mark.parametrize(("role", "purpose"), PAIRS, ids=[f"{r}-{p}" for r, p in PAIRS])
async def test_each_value_is_what_the_policy_decides(
    schema: PrivacySchema, world: World, role: Role, purpose: Purpose
) -> None:
    query = f"query @purpose(code: {purpose}) {{ customers {{ nodes {{ id {FIELDS} }} }} }}"
    result, context = await run(schema, query, world.caller(role))
    assert result.errors is None
    nodes = result.data["customers"]["nodes"]  # type: ignore[index]
    assert nodes, "every role in this table reaches at least one customer"
    for node in nodes:
        assert node == _expected(schema, world, role, purpose, node)
    assert len(context.audit.entries) == len(nodes)


async def test_spot_checks_in_plain_words(schema: PrivacySchema, world: World) -> None:
    q = "query @purpose(code: %s) { customer(id: %d) { phone fax email accountNumber address } }"
    cid = world.customers[0].id
    billing, _ = await run(schema, q % ("E", cid), world.caller(Role.BILLING))
    assert billing.data["customer"]["accountNumber"] == "0001230"  # type: ignore[index]
    marketing, _ = await run(schema, q % ("H", cid), world.caller(Role.MARKETING))
    got = marketing.data["customer"]  # type: ignore[index]
    assert got["fax"] == "03-9876-5430" and got["email"] == "hanako0@mail.example"
    assert got["address"] == "東京都渋谷区道玄坂0-2-3"
    assert got["phone"] == "*******5670" and got["accountNumber"] is None
    auditor, _ = await run(schema, q % ("D", cid), world.caller(Role.AUDITOR))
    assert set(auditor.data["customer"].values()) == {"[REDACTED]"}  # type: ignore[index]
    admin, _ = await run(schema, q % ("D", cid), world.caller(Role.ADMIN))
    assert admin.data["customer"]["accountNumber"] is None  # type: ignore[index]


async def test_customer_sees_own_record_in_clear_without_purpose(
    schema: PrivacySchema, world: World
) -> None:
    result, context = await run(
        schema, f"{{ customers {{ nodes {{ id {FIELDS} }} }} }}", world.caller(Role.CUSTOMER)
    )
    assert result.errors is None
    [node] = result.data["customers"]["nodes"]  # type: ignore[index]
    clear = Customer.from_model(world.customers[0])
    assert node == {"id": str(clear.row_id), **{n: getattr(clear, COLUMN[n]) for n in ALL_PERSONAL}}
    assert context.audit.entries[0][3].count(":CLEAR") == len(ALL_PERSONAL)


async def test_consent_withdrawn_denies_marketing(schema: PrivacySchema, world: World) -> None:
    opted_out = world.customers[2]  # marketing_opt_out
    q = "query @purpose(code: H) { customer(id: %d) { name email } }"
    result, context = await run(schema, q % opted_out.id, world.caller(Role.MARKETING))
    assert result.data == {"customer": {"name": None, "email": None}}
    reasons = {w.reason for w in context.audit.withheld}
    assert reasons == {"CONSENT_WITHDRAWN"}


async def test_aliases_cannot_smuggle_a_value(schema: PrivacySchema, world: World) -> None:
    query = """query @purpose(code: C) { customers { nodes {
        id  a: accountNumber  b: accountNumber  phoneAgain: phone  x: birthDate } } }"""
    result, context = await run(schema, query, world.caller(Role.SUPPORT))
    for node in result.data["customers"]["nodes"]:  # type: ignore[index]
        assert node["a"] is None and node["b"] is None and node["x"] is None
        assert node["phoneAgain"].startswith("090")
    paths = {w.path for w in context.audit.withheld}
    assert {"customers.nodes.*.a", "customers.nodes.*.b", "customers.nodes.*.x"} <= paths


async def test_fragments_and_inline_fragments(schema: PrivacySchema, world: World) -> None:
    query = """
      query Q @purpose(code: D) { customers { nodes { ...Bank ... on Customer { email } } } }
      fragment Bank on Customer { accountNumber birthDate ...Deeper }
      fragment Deeper on Customer { address }
    """
    result, context = await run(schema, query, world.caller(Role.SUPPORT))
    assert result.errors is None
    for node in result.data["customers"]["nodes"]:  # type: ignore[index]
        assert node["accountNumber"] is None and node["birthDate"] is None
        assert node["email"].endswith("@mail.example")
        assert node["address"] == "東京都 ***"
    codes = context.audit.entries[0][3]
    assert "accountNumber:DENIED" in codes and "address:MASKED" in codes
    assert "birthDate:DENIED" in codes and "email:CLEAR" in codes


async def test_skip_and_include_are_honoured_in_the_audit(
    schema: PrivacySchema, world: World
) -> None:
    query = """query Q($no: Boolean!) @purpose(code: E) {
        customers { nodes { name phone @skip(if: $no) email @include(if: $no) } } }"""
    result, context = await run(schema, query, world.caller(Role.BILLING), variables={"no": True})
    assert "phone" not in result.data["customers"]["nodes"][0]  # type: ignore[index]
    assert context.audit.entries[0][3] == "name:CLEAR,email:CLEAR"


async def test_nested_agent_is_enforced_with_its_own_subject(
    schema: PrivacySchema, world: World
) -> None:
    query = """query @purpose(code: C) { customers { nodes { id agent { name accountNumber
               phone } } } }"""
    result, context = await run(schema, query, world.caller(Role.SUPPORT))
    nested = [n["agent"] for n in result.data["customers"]["nodes"] if n["agent"]]  # type: ignore[index]
    assert nested and all(a["accountNumber"] is None for a in nested)
    subjects = {(kind, sid) for kind, sid, _, _ in context.audit.entries}
    assert ("Agent", world.agent1.id) in subjects and ("Agent", world.agent2.id) in subjects
    assert "customers.nodes.*.agent.accountNumber" in {w.path for w in context.audit.withheld}


async def test_agent_sees_only_itself_nested_and_own_customers(
    schema: PrivacySchema, world: World
) -> None:
    query = "query @purpose(code: E) { customers { nodes { id agent { accountNumber } } } }"
    result, _ = await run(schema, query, world.caller(Role.AGENT))
    nodes = result.data["customers"]["nodes"]  # type: ignore[index]
    assert {n["id"] for n in nodes} == {str(c.id) for c in world.customers[:3]}
    # Its own agent record, in clear (SELF): its own bank account for margins (E).
    assert {n["agent"]["accountNumber"] for n in nodes} == {"1234567"}


async def test_masking_never_mutates_shared_objects(schema: PrivacySchema, world: World) -> None:
    """Masked copies: a clear read after a masked read in the same process is still clear."""
    q = "query @purpose(code: %s) { customer(id: %d) { accountNumber } }"
    cid = world.customers[0].id
    masked, _ = await run(schema, q % ("A", cid), world.caller(Role.SUPPORT))
    clear, _ = await run(schema, q % ("E", cid), world.caller(Role.BILLING))
    assert masked.data["customer"]["accountNumber"] == "*****30"  # type: ignore[index]
    assert clear.data["customer"]["accountNumber"] == "0001230"  # type: ignore[index]


async def test_receipt_is_compact_for_long_lists(schema: PrivacySchema, world: World) -> None:
    from directives.guard import receipt

    q = f"query @purpose(code: C) {{ customers {{ nodes {{ {FIELDS} }} }} }}"
    _, context = await run(schema, q, world.caller(Role.SUPPORT))
    lines = receipt(context)["withheld"]
    # One line per (path, decision, reason), never one per row.
    assert len(lines) == len({(w["path"], w["decision"], w["reason"]) for w in lines})
    assert all(line["count"] == len(world.customers) for line in lines)
