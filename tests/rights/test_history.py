"""P3.4 past values: the holder reads every version of its record and its contacts; staff read
them only as the policy shows current values; every version shown is audited like a read."""

from __future__ import annotations

from typing import Any

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry, AuditRequest, Contact
from tests.conftest import World, code_of, run

HISTORY = """query Q($id: ID!) %s { customer(id: $id) { history {
  version changedFields changedBy { actor login } beganAt name phone birthDate } } }"""


def _ok(result: Any) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return result.data  # type: ignore[no-any-return]


async def _entries(request_id: str) -> list[AuditEntry]:
    request = await AuditRequest.get(request_id=request_id)
    return await AuditEntry.filter(request_id=request.id).order_by("id")


async def _change_twice(schema: PrivacySchema, world: World) -> None:
    customer = world.caller(Role.CUSTOMER)
    for change in ('{phone: "090-0000-0001"}', '{phone: "090-0000-0002", name: "鈴木 花"}'):
        query = f"mutation {{ updateMyRecord(input: {change}) {{ version }} }}"
        _ok((await run(schema, query, customer))[0])


async def test_the_holder_reads_every_version_of_its_record(
    schema: PrivacySchema, world: World
) -> None:
    await _change_twice(schema, world)
    me = world.customers[0]
    result, context = await run(
        schema, HISTORY % "", world.caller(Role.CUSTOMER), variables={"id": me.id}
    )
    history = _ok(result)["customer"]["history"]
    assert [(v["version"], v["name"], v["phone"]) for v in history] == [
        (1, "鈴木 花子0", "090-1234-5670"),
        (2, "鈴木 花子0", "090-0000-0001"),
        (3, "鈴木 花", "090-0000-0002"),
    ]
    assert history[0]["changedBy"] is None and history[0]["changedFields"] == []
    assert history[1]["changedBy"] == {"actor": "HOLDER", "login": "t-customer"}
    assert history[2]["changedFields"] == ["name", "phone"]
    entries = [e for e in await _entries(context.request_id) if e.type_name == "CustomerVersion"]
    assert [(e.subject_type, e.subject_id) for e in entries] == [("Customer", me.id)] * 3
    assert {e.fields_decisions for e in entries} == {"name:CLEAR,birthDate:CLEAR,phone:CLEAR"}


async def test_staff_read_past_values_only_as_the_policy_shows_current_ones(
    schema: PrivacySchema, world: World
) -> None:
    await _change_twice(schema, world)
    me = world.customers[0]
    support = world.caller(Role.SUPPORT)
    refused, _ = await run(schema, HISTORY % "", support, variables={"id": me.id})
    assert refused.errors and code_of(refused.errors[0]) == "PURPOSE_REQUIRED"
    assert not await AuditRequest.exists()
    result, context = await run(
        schema, HISTORY % "@purpose(code: C)", support, variables={"id": me.id}
    )
    history = _ok(result)["customer"]["history"]
    # Contact (C): name and phone in clear, the birth date denied in every version.
    assert [v["phone"] for v in history] == ["090-1234-5670", "090-0000-0001", "090-0000-0002"]
    assert {v["birthDate"] for v in history} == {None}
    entries = [e for e in await _entries(context.request_id) if e.type_name == "CustomerVersion"]
    assert {e.fields_decisions for e in entries} == {"name:CLEAR,birthDate:DENIED,phone:CLEAR"}
    # Another agent's customer's history is out of scope like the customer itself.
    agent = world.caller(Role.AGENT)
    other = world.customers[3]
    result, _ = await run(schema, HISTORY % "@purpose(code: A)", agent, variables={"id": other.id})
    assert _ok(result)["customer"] is None


async def test_contacts_history_is_kept_and_read_through_the_holder(
    schema: PrivacySchema, world: World
) -> None:
    customer = world.caller(Role.CUSTOMER)
    add = 'mutation { addContact(input: {name: "田中 一郎", phone: "03-1111-0000"}) { id } }'
    contact_id = _ok((await run(schema, add, customer))[0])["addContact"]["id"]
    update = """mutation M($id: ID!) { updateContact(id: $id, input: {phone: "03-2222-0000"}) {
      version } }"""
    _ok((await run(schema, update, customer, variables={"id": contact_id}))[0])
    read = """query Q($id: ID!) %s { customer(id: $id) { contacts { history {
      version changedFields changedBy { actor login } phone } } } }"""
    me = world.customers[0]
    result, context = await run(schema, read % "", customer, variables={"id": me.id})
    history = _ok(result)["customer"]["contacts"][0]["history"]
    assert history == [
        {"version": 1, "changedFields": [], "changedBy": None, "phone": "03-1111-0000"},
        {
            "version": 2,
            "changedFields": ["phone"],
            "changedBy": {"actor": "HOLDER", "login": "t-customer"},
            "phone": "03-2222-0000",
        },
    ]
    entries = [e for e in await _entries(context.request_id) if e.type_name == "ContactVersion"]
    assert [e.subject_type for e in entries] == ["Contact", "Contact"]
    # An auditor sees that values exist, never a value: past values neither.
    auditor = world.caller(Role.AUDITOR)
    result, _ = await run(schema, read % "@purpose(code: D)", auditor, variables={"id": me.id})
    phones = [v["phone"] for v in _ok(result)["customer"]["contacts"][0]["history"]]
    assert phones == ["[REDACTED]", "[REDACTED]"]


async def test_a_change_a_contact_asked_for_names_the_contact(
    schema: PrivacySchema, world: World
) -> None:
    customer = world.caller(Role.CUSTOMER)
    add = 'mutation { addContact(input: {name: "田中 一郎"}) { id } }'
    contact_id = _ok((await run(schema, add, customer))[0])["addContact"]["id"]
    change = """mutation M($c: ID!) { updateMyRecord(input: {fax: "03-0000-0009"},
      actingContactId: $c) { version } }"""
    _ok((await run(schema, change, customer, variables={"c": contact_id}))[0])
    read = """query Q($id: ID!) { customer(id: $id) { history {
      changedBy { actor login contactId } changedFields } } }"""
    me = world.customers[0]
    history = _ok((await run(schema, read, customer, variables={"id": me.id}))[0])
    last = history["customer"]["history"][-1]
    assert last == {
        "changedBy": {"actor": "CONTACT", "login": "t-customer", "contactId": contact_id},
        "changedFields": ["fax"],
    }
    # Only one's own contacts can be named.
    other = await Contact.create(customer=world.customers[1], name="他社 員")
    refused, _ = await run(schema, change, customer, variables={"c": other.id})
    assert refused.errors and code_of(refused.errors[0]) == "NOT_FOUND"
