"""Delivery manifests (P8.2) through GraphQL: the carrier's file holds name, address and
telephone number only; every person in it has a provision record; the copy is audited."""

from __future__ import annotations

import csv
import io

import strawberry

from directives.operations import ALL_ROLES, RowScope, op
from directives.personal import personal
from directives.privacy_schema import PrivacySchema
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category, Role
from models import AuditEntry, Customer, DeliveryManifest, Provider, ProvisionRecord
from models.third_parties import Ground, ProviderKind
from resolvers.third_parties.manifest import delivery_columns, manifest_csv
from tests.conftest import World, code_of, run

PRODUCE = """mutation M($carrier: ID!, $ids: [ID!]!) @purpose(code: %s) {
  produceDeliveryManifest(carrierId: $carrier, delivery: INVOICE, customerIds: $ids) {
    carrier personCount csv } }"""


async def _carrier() -> Provider:
    return await Provider.create(name="ヤマト配送株式会社", kind=ProviderKind.CARRIER)


def _others(row: Customer) -> list[str]:
    """Every value of the person a carrier must not receive (but one that happens to equal
    an allowed one, as the account holder may equal the name in kana)."""
    values = [row.postal_code, row.fax, row.email, row.account_number, row.account_holder]
    allowed = {row.name, row.name_kana, row.address, row.phone}
    others = [str(v) for v in [*values, row.bank_name, row.bank_branch, row.birth_date] if v]
    return [v for v in others if v not in allowed]


async def test_billing_hands_a_carrier_name_address_and_phone_only(
    schema: PrivacySchema, world: World
) -> None:
    carrier = await _carrier()
    people = [world.customers[0], world.customers[3]]
    variables = {"carrier": str(carrier.id), "ids": [str(c.id) for c in people]}
    result, _ = await run(schema, PRODUCE % "E", world.caller(Role.BILLING), variables=variables)
    assert result.errors is None
    manifest = result.data["produceDeliveryManifest"]  # type: ignore[index]
    assert manifest["personCount"] == 2
    lines = list(csv.reader(io.StringIO(manifest["csv"])))
    assert lines[0] == ["name", "nameKana", "address", "phone"]
    assert lines[1:] == [[c.name, c.name_kana, c.address, c.phone] for c in people]
    for row in people:
        for value in _others(row):
            assert value not in manifest["csv"]
    # One provision record per person; the audit names the copy, never a value.
    records = await ProvisionRecord.all().order_by("customer_id")
    assert [r.customer_id for r in records] == [c.id for c in people]
    kept = await DeliveryManifest.get()
    assert all(r.ground is Ground.DELIVERY and r.source == f"manifest:{kept.id}" for r in records)
    assert all(r.items == "address,name,nameKana,phone" for r in records)
    # The audit names the provision and its ground (P8.2), never a value.
    entries = await AuditEntry.filter(fields_decisions__contains="PROVIDE")
    assert sorted(e.subject_id for e in entries) == [c.id for c in people]
    assert all(
        e.fields_decisions
        == "name:PROVIDE,nameKana:PROVIDE,address:PROVIDE,phone:PROVIDE,#ground:DELIVERY"
        for e in entries
    )


async def test_who_may_not_produce_a_manifest_and_what_stays_unwritten(
    schema: PrivacySchema, world: World
) -> None:
    carrier = await _carrier()
    partner = await Provider.get(kind=ProviderKind.OPTION_PROVIDER)
    ids = [str(world.customers[0].id)]
    cases = [
        (Role.MARKETING, "H", str(carrier.id), "FORBIDDEN"),
        (Role.PARTNER, "B", str(carrier.id), "FORBIDDEN"),
        (Role.BILLING, "A", str(carrier.id), "PURPOSE_FORBIDDEN"),
        (Role.SUPPORT, "C", str(carrier.id), "PURPOSE_REQUIRED"),
        (Role.BILLING, "E", str(partner.id), "NOT_FOUND"),  # an option provider is no carrier
    ]
    for role, purpose, carrier_id, code in cases:
        variables = {"carrier": carrier_id, "ids": ids}
        result, _ = await run(schema, PRODUCE % purpose, world.caller(role), variables=variables)
        assert result.data is None and [code_of(e) for e in result.errors or []] == [code], role
    assert await ProvisionRecord.all().count() == 0
    assert await DeliveryManifest.all().count() == 0


async def test_an_unknown_customer_fails_the_whole_manifest(
    schema: PrivacySchema, world: World
) -> None:
    carrier = await _carrier()
    variables = {"carrier": str(carrier.id), "ids": [str(world.customers[0].id), "999999"]}
    result, _ = await run(schema, PRODUCE % "E", world.caller(Role.BILLING), variables=variables)
    assert [code_of(e) for e in result.errors or []] == ["NOT_FOUND"]
    assert await ProvisionRecord.all().count() == 0


@strawberry.type(name="Customer")
class CustomerWithNewFields:
    """The Customer type as it might grow: a new field of every category."""

    row_id: strawberry.Private[int]
    name: str | None = personal(Category.NAME)
    address: str | None = personal(Category.ADDRESS)
    phone: str | None = personal(Category.PHONE)
    mobile: str | None = personal(Category.PHONE)  # a telephone number: P8.2 allows it
    delivery_note: str | None = personal(Category.FREE_TEXT)
    second_email: str | None = personal(Category.EMAIL)
    birthday: str | None = personal(Category.BIRTH_DATE)
    zip: str | None = personal(Category.POSTAL_CODE)
    fax2: str | None = personal(Category.FAX)
    iban: str | None = personal(Category.BANK_ACCOUNT_NUMBER)
    holder: str | None = personal(Category.BANK_ACCOUNT_HOLDER)

    def privacy_subject(self) -> Subject:
        return Subject(SubjectKind.CUSTOMER, self.row_id, consent_withdrawn=frozenset())


@strawberry.type
class GrownQuery:
    @strawberry.field
    def grown(self) -> CustomerWithNewFields | None:
        return None


def test_a_new_personal_field_stays_out_of_the_manifest() -> None:
    schema = PrivacySchema(query=GrownQuery, operations={"grown": op(ALL_ROLES, RowScope.NONE)})
    columns = delivery_columns(schema.personal_index)
    assert [c.name for c in columns] == ["name", "address", "phone", "mobile"]
    person = CustomerWithNewFields(
        row_id=1,
        name="N",
        address="A",
        phone="T",
        mobile="M",
        delivery_note="secret-note",
        second_email="x@example.com",
        birthday="1980-01-01",
        zip="150-0001",
        fax2="03-0000-0000",
        iban="JP00",
        holder="HOLDER",
    )
    text = manifest_csv(columns, [person])  # type: ignore[list-item]
    assert text == "name,address,phone,mobile\r\nN,A,T,M\r\n"
