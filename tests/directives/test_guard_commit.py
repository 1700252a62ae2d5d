"""A change and its audit commit together or not at all (issue: side doors, 6), and what the
audit row will hold is bounded before anything runs."""

from __future__ import annotations

from typing import Any

from directives.audit import AuditBuffer, AuditHeader, TortoiseAuditStore
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry, AuditRequest, Contact, Customer, CustomerVersion, Payment
from tests.business_world import Business
from tests.conftest import World, code_of, run


class WritesThenFails:
    """Writes the audit rows for real, then fails: the rollback must take them too."""

    async def write(self, header: AuditHeader, buffer: AuditBuffer) -> None:
        await TortoiseAuditStore().write(header, buffer)
        raise ConnectionError("disk full")


PAY = """mutation Pay($id: ID!) @purpose(code: E) {
  recordPayment(invoiceId: $id, amount: 1000, receivedOn: "2026-10-25") {
    balance billingName } }"""
MINE = """mutation Mine { updateMyRecord(input: {phone: "090-0000-0000"}) { phone } }"""
CONTACT = """mutation Add { addContact(input: {name: "高橋 一郎", email: "t@example.jp"})
  { name } }"""


async def _unavailable(schema: PrivacySchema, query: str, caller: Any, **variables: Any) -> None:
    result, _ = await run(
        schema, query, caller, variables=variables or None, audit_store=WritesThenFails()
    )
    assert result.data is None
    assert [code_of(e) for e in result.errors or []] == ["AUDIT_UNAVAILABLE"]


async def test_a_payment_is_not_kept_when_its_audit_fails(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    invoice = business.invoices[0]
    before = await Payment.filter(invoice_id=invoice.id).count()
    await _unavailable(schema, PAY, world.caller(Role.BILLING), id=str(invoice.id))
    assert await Payment.filter(invoice_id=invoice.id).count() == before
    assert await AuditRequest.all().count() == 0 and await AuditEntry.all().count() == 0
    # Retrying once the audit works records the payment exactly once.
    result, _ = await run(schema, PAY, world.caller(Role.BILLING), variables={"id": invoice.id})
    assert result.errors is None
    assert await Payment.filter(invoice_id=invoice.id).count() == before + 1


async def test_a_record_change_is_not_kept_when_its_audit_fails(
    schema: PrivacySchema, world: World
) -> None:
    customer = world.customers[0]
    await _unavailable(schema, MINE, world.caller(Role.CUSTOMER))
    fresh = await Customer.get(id=customer.id)
    assert (fresh.phone, fresh.version) == (customer.phone, customer.version)
    assert await CustomerVersion.filter(customer_id=customer.id).count() == 0
    await _unavailable(schema, CONTACT, world.caller(Role.CUSTOMER))
    assert await Contact.filter(customer_id=customer.id).count() == 0


async def test_an_operation_name_too_long_for_the_audit_is_refused_first(
    schema: PrivacySchema, world: World
) -> None:
    name = "Q" * 200
    query = f'mutation {name} {{ updateMyRecord(input: {{phone: "090-0000-0001"}}) {{ phone }} }}'
    result, _ = await run(schema, query, world.caller(Role.CUSTOMER))
    assert result.data is None
    [error] = result.errors or []
    assert code_of(error) == "BAD_INPUT" and "operation_name" in error.message
    assert (await Customer.get(id=world.customers[0].id)).phone == world.customers[0].phone
    read = f"query {name} @purpose(code: C) {{ customers {{ nodes {{ name }} }} }}"
    result, _ = await run(schema, read, world.caller(Role.SUPPORT))
    assert [code_of(e) for e in result.errors or []] == ["BAD_INPUT"]
    assert await AuditRequest.all().count() == 0
