"""The read audit: every resolved personal field recorded, durably, before the response; never
a value; fail closed; readable by auditors with filters and pagination."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from directives.audit import AuditBuffer, AuditHeader
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry, AuditRequest, Customer
from tests.conftest import World, run

ALL = "name nameKana birthDate postalCode address phone fax email accountNumber accountHolder"


class FailingStore:
    async def write(self, header: AuditHeader, buffer: AuditBuffer) -> None:
        raise ConnectionError("disk full")


async def test_each_resolved_field_is_recorded_without_values(
    schema: PrivacySchema, world: World
) -> None:
    query = f"query Listing @purpose(code: C) {{ customers {{ nodes {{ id {ALL} }} }} }}"
    result, context = await run(schema, query, world.caller(Role.SUPPORT))
    assert result.errors is None
    [request] = await AuditRequest.all()
    assert request.request_id == context.request_id
    assert (request.actor, request.role, request.purpose) == ("t-support", "SUPPORT", "C")
    assert request.operation_name == "Listing" and request.client_address == "203.0.113.7"
    assert request.at.tzinfo is not None and request.at.utcoffset() == timedelta(0)
    assert request.entry_count == 5
    entries = await AuditEntry.filter(request_id=request.id).order_by("id")
    assert [(e.subject_type, e.subject_id) for e in entries] == [
        ("Customer", c.id) for c in world.customers
    ]
    for entry in entries:
        decisions = dict(pair.split(":") for pair in entry.fields_decisions.split(","))
        assert set(decisions) == set(ALL.split())
        assert decisions["phone"] == "CLEAR" and decisions["accountNumber"] == "DENIED"
    # Never a value: none of the clear values appears anywhere in the audit tables.
    stored = " ".join(
        [str(vars(r)) for r in await AuditRequest.all()]
        + [str(vars(e)) for e in await AuditEntry.all()]
    )
    for customer in await Customer.all():
        for value in (customer.name, customer.phone, customer.email, customer.account_number):
            assert value not in stored


async def test_only_fields_actually_selected_are_recorded(
    schema: PrivacySchema, world: World
) -> None:
    await run(
        schema,
        "query @purpose(code: E) { customers { nodes { email } } }",
        world.caller(Role.BILLING),
    )
    codes = {e.fields_decisions for e in await AuditEntry.all()}
    assert codes == {"email:CLEAR"}


async def test_denied_fields_are_recorded_too(schema: PrivacySchema, world: World) -> None:
    await run(
        schema,
        "query @purpose(code: D) { customers { nodes { birthDate } } }",
        world.caller(Role.SUPPORT),
    )
    assert {e.fields_decisions for e in await AuditEntry.all()} == {"birthDate:DENIED"}


async def test_no_personal_field_no_audit_row(schema: PrivacySchema, world: World) -> None:
    await run(schema, "{ customers { nodes { id } } }", world.caller(Role.SUPPORT))
    assert await AuditRequest.all().count() == 0


async def test_fails_closed_when_the_audit_cannot_be_written(
    schema: PrivacySchema, world: World
) -> None:
    result, _ = await run(
        schema,
        f"query @purpose(code: E) {{ customers {{ nodes {{ {ALL} }} }} }}",
        world.caller(Role.BILLING),
        audit_store=FailingStore(),
    )
    assert result.data is None
    assert result.errors is not None and len(result.errors) == 1
    assert result.errors[0].extensions == {"code": "AUDIT_UNAVAILABLE"}
    assert "disk full" not in result.errors[0].message
    assert "privacy" not in (result.extensions or {})


async def test_self_service_is_recorded_as_self(schema: PrivacySchema, world: World) -> None:
    await run(schema, "{ customers { nodes { email } } }", world.caller(Role.CUSTOMER))
    [request] = await AuditRequest.all()
    assert (request.purpose, request.role) == ("SELF", "CUSTOMER")


EVENTS = """query E($f: AuditFilter, $first: Int, $after: String) {
  auditEvents(filter: $f, first: $first, after: $after) {
    nodes { id at actor role purpose subjectType subjectId typeName operationName requestId
            fields { field decision } }
    pageInfo { endCursor hasNextPage } } }"""


async def _populate(schema: PrivacySchema, world: World) -> None:
    await run(
        schema,
        "query A @purpose(code: E) { customers { nodes { email } } }",
        world.caller(Role.BILLING),
    )
    await run(
        schema,
        f"query B @purpose(code: C) {{ customer(id: {world.customers[3].id}) {{ phone }} }}",
        world.caller(Role.SUPPORT),
    )
    await run(schema, "query C { customers { nodes { name } } }", world.caller(Role.CUSTOMER))


async def test_auditors_query_by_subject_actor_purpose_and_time(
    schema: PrivacySchema, world: World
) -> None:
    await _populate(schema, world)
    auditor = world.caller(Role.AUDITOR)

    async def events(**where: object) -> list[dict[str, object]]:
        result, _ = await run(schema, EVENTS, auditor, variables={"f": where})
        assert result.errors is None, result.errors
        return result.data["auditEvents"]["nodes"]  # type: ignore[no-any-return,index]

    by_subject = await events(subjectType="Customer", subjectId=str(world.customers[3].id))
    assert [(e["actor"], e["purpose"]) for e in by_subject] == [  # newest first
        ("t-support", "C"),
        ("t-billing", "E"),
    ]
    assert by_subject[0]["fields"] == [{"field": "phone", "decision": "CLEAR"}]
    assert {e["actor"] for e in await events(actor="t-customer")} == {"t-customer"}
    assert {e["purpose"] for e in await events(purpose="SELF")} == {"SELF"}
    assert len(await events(purpose="E")) == 5
    now = datetime.now(UTC)
    assert len(await events(since=(now - timedelta(minutes=5)).isoformat())) == 7
    assert await events(until=(now - timedelta(minutes=5)).isoformat()) == []


@pytest.mark.parametrize("size", [1, 2, 3, 50])
async def test_audit_events_page_through_newest_first(
    schema: PrivacySchema, world: World, size: int
) -> None:
    await _populate(schema, world)
    seen, after = [], None
    while True:
        result, _ = await run(
            schema, EVENTS, world.caller(Role.AUDITOR), variables={"first": size, "after": after}
        )
        page = result.data["auditEvents"]  # type: ignore[index]
        seen += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == 7
    assert len({(e["requestId"], e["subjectId"]) for e in seen}) == 7
    # Newest request first (C, then B, then A), each request's entries newest first.
    assert [e["operationName"] for e in seen] == ["C", "B", *["A"] * 5]
    assert [e["at"] for e in seen] == sorted((e["at"] for e in seen), reverse=True)
    a_ids = [int(e["id"]) for e in seen[2:]]
    assert a_ids == sorted(a_ids, reverse=True)


async def test_only_auditors_read_the_audit(schema: PrivacySchema, world: World) -> None:
    await _populate(schema, world)
    for role in Role:
        if role is Role.AUDITOR:
            continue
        result, _ = await run(schema, EVENTS, world.caller(role))
        assert result.data is None
        assert result.errors[0].extensions == {"code": "FORBIDDEN"}  # type: ignore[index]
