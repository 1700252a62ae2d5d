"""Using a value is a use, audited like a read (side doors, 3): filtering, sorting, grouping
by a personal field and copying personal values leave audit rows under the declared purpose,
even when the answer selects no personal field, and fail closed."""

from __future__ import annotations

import strawberry

from directives.audit import AuditBuffer, AuditHeader
from directives.operations import ALL_ROLES, RowScope, op
from directives.privacy_schema import PrivacySchema
from directives.usage import Use
from directives.vocabulary import Role
from models import AuditEntry, AuditRequest
from resolvers.query_by import require_query_by
from schema.context import Info
from tests.business_world import Business
from tests.conftest import World, code_of, run


class FailingStore:
    async def write(self, header: AuditHeader, buffer: AuditBuffer) -> None:
        raise ConnectionError("disk full")


async def _uses() -> list[tuple[str, int, str, str]]:
    rows = await AuditEntry.all().select_related("request").order_by("id")
    return [(e.request.purpose, e.subject_id, e.type_name, e.fields_decisions) for e in rows]


async def test_a_search_that_returns_only_ids_is_audited(
    schema: PrivacySchema, world: World
) -> None:
    target = world.customers[3]
    query = """query Who($phone: String!) @purpose(code: C) {
      customerSearch(where: {phone: $phone}) { totalCount nodes { id } } }"""
    result, _ = await run(
        schema, query, world.caller(Role.SUPPORT), variables={"phone": target.phone}
    )
    assert result.errors is None and result.data is not None
    assert result.data["customerSearch"]["totalCount"] == 1
    uses = await _uses()
    assert uses and {u[1] for u in uses} == {target.id}  # nobody else's phone was matched
    assert {(u[0], u[2], u[3]) for u in uses} == {("C", "Customer", "phone:FILTER")}


async def test_sorting_by_name_selecting_ids_is_audited(
    schema: PrivacySchema, world: World
) -> None:
    query = """query Sorted @purpose(code: C) {
      customerSearch(orderBy: NAME, first: 2) { nodes { id } } }"""
    result, _ = await run(schema, query, world.caller(Role.SUPPORT))
    assert result.errors is None and result.data is not None
    shown = {int(n["id"]) for n in result.data["customerSearch"]["nodes"]}
    uses = await _uses()
    assert {u[1] for u in uses} == shown and {u[3] for u in uses} == {"name:SORT"}


async def test_no_personal_search_no_use(schema: PrivacySchema, world: World) -> None:
    query = "query Ids @purpose(code: C) { customerSearch { nodes { id } } }"
    result, _ = await run(schema, query, world.caller(Role.SUPPORT))
    assert result.errors is None
    assert await AuditEntry.all().count() == 0


async def test_an_aggregate_records_its_field_and_how_many(
    schema: PrivacySchema, world: World
) -> None:
    query = """query Agg @purpose(code: F) {
      researchAggregate(dimension: BIRTH_DECADE) { groups { key } } }"""
    result, _ = await run(schema, query, world.caller(Role.ANALYST))
    assert result.errors is None
    [(purpose, subject, _, code)] = await _uses()
    assert purpose == "F" and subject == 0
    assert code == f"birthDate:GROUP,#subjects:{len(world.customers)}"
    events, _ = await run(
        schema,
        "{ auditEvents { nodes { subjectCount uses { field use } fields { field } } } }",
        world.caller(Role.AUDITOR),
    )
    assert events.data is not None
    [event] = events.data["auditEvents"]["nodes"]
    assert event == {
        "subjectCount": len(world.customers),
        "uses": [{"field": "birthDate", "use": "GROUP"}],
        "fields": [],
    }


async def test_a_correction_copying_the_address_is_audited(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    invoice = business.invoices[0]
    query = """mutation Fix($id: ID!) @purpose(code: E) {
      correctInvoice(invoiceId: $id, total: 0, reason: "cancel") { id } }"""
    result, _ = await run(schema, query, world.caller(Role.BILLING), variables={"id": invoice.id})
    assert result.errors is None
    assert await _uses() == [
        ("E", invoice.customer_id, "Customer", "name:COPY,postalCode:COPY,address:COPY")
    ]


async def test_a_use_fails_closed_with_the_audit(schema: PrivacySchema, world: World) -> None:
    query = """query Who @purpose(code: C) {
      customerSearch(where: {phone: "090-1234-5670"}) { totalCount } }"""
    result, _ = await run(schema, query, world.caller(Role.SUPPORT), audit_store=FailingStore())
    assert result.data is None
    assert [code_of(e) for e in result.errors or []] == ["AUDIT_UNAVAILABLE"]


@strawberry.type
class Forgetful:
    @strawberry.field
    def probe(self, info: Info) -> int:
        require_query_by(info, type_name="Customer", fields={"phone": Use.FILTER})
        return 1  # used the phone, never said whose


async def test_a_use_never_recorded_fails_the_operation_closed(world: World) -> None:
    """The mechanism, not the examples: a new resolver that checks a filter but forgets to
    record its subjects cannot answer."""
    schema = PrivacySchema(query=Forgetful, operations={"probe": op(ALL_ROLES, RowScope.PEOPLE)})
    result, _ = await run(schema, "query P @purpose(code: C) { probe }", world.caller(Role.SUPPORT))
    assert result.data is None
    assert [code_of(e) for e in result.errors or []] == ["AUDIT_UNAVAILABLE"]
    assert await AuditRequest.all().count() == 0
