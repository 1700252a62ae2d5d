"""P7.1: a customer changes their own record at any time; P3.4: past values are kept."""

from __future__ import annotations

import pytest

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry, Customer, CustomerVersion
from tests.conftest import World, code_of, run

UPDATE = """mutation U($input: MyRecordInput!) {
  updateMyRecord(input: $input) { id phone email version marketingOptOut } }"""


async def test_customer_updates_own_record_and_old_values_are_kept(
    schema: PrivacySchema, world: World
) -> None:
    me = world.customers[0]
    result, _ = await run(
        schema,
        UPDATE,
        world.caller(Role.CUSTOMER),
        variables={"input": {"phone": "080-0000-1111", "marketingOptOut": True}},
    )
    assert result.errors is None
    assert result.data["updateMyRecord"] == {  # type: ignore[index]
        "id": str(me.id),
        "phone": "080-0000-1111",
        "email": "hanako0@mail.example",
        "version": 2,
        "marketingOptOut": True,
    }
    await me.refresh_from_db()
    assert me.phone == "080-0000-1111" and me.version == 2
    [old] = await CustomerVersion.filter(customer_id=me.id)
    assert old.version == 1 and old.values["phone"] == "090-1234-5670"
    assert old.values["marketing_opt_out"] is False and old.changed_by == "t-customer"
    # The answer is audited as a SELF read.
    assert await AuditEntry.filter(subject_id=me.id).count() == 1


async def test_every_change_adds_a_version(schema: PrivacySchema, world: World) -> None:
    for phone in ("080-0000-0001", "080-0000-0002", "080-0000-0003"):
        await run(
            schema, UPDATE, world.caller(Role.CUSTOMER), variables={"input": {"phone": phone}}
        )
    versions = await CustomerVersion.filter(customer_id=world.customers[0].id).order_by("version")
    assert [v.values["phone"] for v in versions] == [
        "090-1234-5670",
        "080-0000-0001",
        "080-0000-0002",
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"email": "not-an-email"},
        {"phone": "call me"},
        {"birthDate": "1990-02-30"},
        {"postalCode": "12"},
        {"accountNumber": "12ab"},
        {"name": "   "},
        {"name": "x" * 121},
        {},
    ],
)
async def test_bad_input_is_refused_without_echoing_it(
    schema: PrivacySchema, world: World, change: dict[str, str]
) -> None:
    result, _ = await run(schema, UPDATE, world.caller(Role.CUSTOMER), variables={"input": change})
    assert result.data is None
    expected: dict[str, object] = {"code": "BAD_INPUT", "reason": "NOTHING_TO_CHANGE"}
    if change:
        expected = {"code": "BAD_INPUT", "reason": "INVALID_VALUE", "fields": list(change)}
    assert result.errors[0].extensions == expected  # type: ignore[index]
    for value in change.values():
        if value.strip():
            assert value not in result.errors[0].message  # type: ignore[index]
    me = await Customer.get(id=world.customers[0].id)
    assert me.version == 1 and await CustomerVersion.all().count() == 0


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.CUSTOMER])
async def test_only_customers_use_self_service(
    schema: PrivacySchema, world: World, role: Role
) -> None:
    result, _ = await run(
        schema,
        "mutation U($input: MyRecordInput!) @purpose(code: D) "
        "{ updateMyRecord(input: $input) { id } }",
        world.caller(role),
        variables={"input": {"phone": "080-0000-1111"}},
    )
    assert result.data is None
    code = code_of(result.errors[0])  # type: ignore[index]
    assert code in {"FORBIDDEN", "PURPOSE_FORBIDDEN"}
    assert await CustomerVersion.all().count() == 0


CATALOG = "{ privacyCatalog { typeName fieldName category purposes mask } }"


async def test_catalog_lists_every_personal_field(schema: PrivacySchema, world: World) -> None:
    result, _ = await run(schema, CATALOG, world.caller(Role.AUDITOR))
    entries = result.data["privacyCatalog"]  # type: ignore[index]
    listed = {(e["typeName"], e["fieldName"]) for e in entries}
    assert listed == {(f.type_name, f.name) for f in schema.personal_index.all_fields()}
    assert {("Customer", "email"), ("Agent", "accountNumber"), ("Contact", "phone")} <= listed
    business = {("Invoice", "billingAddress"), ("Payout", "accountNumber")}
    assert business | {("CampaignRecipient", "fax"), ("ResearchRecord", "birthDate")} <= listed
    email = next(e for e in entries if (e["typeName"], e["fieldName"]) == ("Customer", "email"))
    assert email["category"] == "EMAIL" and email["mask"] == "EMAIL_MASK"
    assert "F" not in email["purposes"] and "H" in email["purposes"]


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.AGENT])
async def test_catalog_is_for_staff_and_auditors(
    schema: PrivacySchema, world: World, role: Role
) -> None:
    result, _ = await run(schema, CATALOG, world.caller(role))
    assert result.data is None
    assert result.errors[0].extensions == {"code": "FORBIDDEN"}  # type: ignore[index]


async def test_purposes_are_listed_with_descriptions(schema: PrivacySchema, world: World) -> None:
    result, _ = await run(schema, "{ purposes { code description } }", world.caller(Role.AGENT))
    purposes = result.data["purposes"]  # type: ignore[index]
    assert [p["code"] for p in purposes] == list("ABCDEFGH")
    assert purposes[4]["description"].startswith("Billing")
