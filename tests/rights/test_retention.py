"""P7.4: cancellation starts the retention clocks; the purge (dry run, then run) anonymises
or deletes what the schedule says on the day it is due, never a day early, keeps what is
held, leaves the audit intact and records what it did."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from directives import provision
from directives.audit import AuditBuffer
from directives.classification import personal_columns
from directives.privacy_schema import PrivacySchema
from directives.retention import (
    RULES,
    SCHEDULE,
    Rule,
    anniversary,
    due_on,
    invoice_name_due,
    tax_clock,
)
from directives.vocabulary import Role
from models import (
    AuditEntry,
    AuditRequest,
    Contact,
    Contract,
    Customer,
    CustomerVersion,
    Inquiry,
    InquiryMessage,
    Invoice,
    ProvisionRecord,
    PurgeRecord,
)
from models.contracts import Plan
from models.third_parties import Ground
from rights.retention import Hold, place_legal_hold, plan, purge
from tests.business_world import Business
from tests.conftest import World, code_of, run

NOW = datetime(2030, 1, 1, tzinfo=UTC)
CANCEL = """mutation M($id: ID!, $on: Date!) @purpose(code: A) {
  cancelContract(contractId: $id, cancelledOn: $on) { cancelledOn customer { name } } }"""


def _ok(result: Any) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return result.data  # type: ignore[no-any-return]


def test_every_row_of_the_schedule_names_its_legal_basis() -> None:
    assert {r.rule for r in SCHEDULE} == set(Rule)
    assert all(r.legal_basis.strip() and r.data.strip() for r in SCHEDULE)
    # P7.4: payment-linked customer information is kept 7 years after cancellation.
    assert due_on(date(2019, 3, 31), Rule.PAYMENT_LINKED) == date(2026, 4, 1)
    assert anniversary(date(2020, 2, 29), 7) == date(2027, 2, 28)


async def _cancel(schema: PrivacySchema, world: World, contract: Contract, on: str) -> None:
    result, context = await run(
        schema, CANCEL, world.caller(Role.SUPPORT), variables={"id": contract.id, "on": on}
    )
    assert _ok(result)["cancelContract"]["cancelledOn"] == on
    request = await AuditRequest.get(request_id=context.request_id)
    assert (request.purpose, request.actor) == ("A", "t-support")


async def test_support_cancels_and_the_clock_runs_from_the_last_contract(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    await _cancel(schema, world, business.contracts[4], "2026-11-30")
    again, _ = await run(
        schema,
        CANCEL,
        world.caller(Role.SUPPORT),
        variables={"id": business.contracts[4].id, "on": "2026-12-31"},
    )
    assert again.errors and code_of(again.errors[0]) == "BAD_INPUT"
    # An agent cannot cancel another agent's customer's contract: not found.
    other, _ = await run(
        schema,
        CANCEL,
        world.caller(Role.AGENT),
        variables={"id": business.contracts[3].id, "on": "2026-11-30"},
    )
    assert other.errors and code_of(other.errors[0]) == "NOT_FOUND"
    assert (
        await Contract.get(id=business.contracts[3].id).values_list("cancelled_on", flat=True)
        is None
    )


async def test_nothing_is_purged_a_day_early_and_the_audit_stays(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    who = world.customers[4]  # invoiced: payment-linked, 7 years
    contract = business.contracts[4]
    await _cancel(schema, world, contract, "2026-11-30")
    await Contact.create(customer=who, name="田中 一郎", phone="03-1111-0000")
    await CustomerVersion.create(customer=who, version=1, values={"name": "x"}, changed_by="x")
    audit_rows = await AuditEntry.all().count()
    # The clock moves: 7 years after 2026-11-30 ends on 2033-11-30; due from 2033-12-01.
    assert not await plan(date(2033, 11, 30))
    early = await purge(date(2033, 11, 30), NOW)
    assert not early.done and (await Customer.get(id=who.id)).name == who.name
    result = await purge(date(2033, 12, 1), NOW)
    assert [(d.rule, d.subject_id) for d in result.done] == [(Rule.PAYMENT_LINKED, who.id)]
    gone = await Customer.get(id=who.id)
    assert gone.anonymised_at is not None
    assert not any(getattr(gone, c) for c in personal_columns("Customer"))
    assert not await CustomerVersion.filter(customer_id=who.id).exists()
    assert not await Contact.filter(customer_id=who.id).exists()
    # Invoices and payments stay (tax law) with the recipient's name and the amounts; the
    # address, which no tax record needs, is gone. The audit is untouched (no values in it).
    invoices = await Invoice.filter(customer_id=who.id)
    assert invoices and all(i.billing_name == who.name for i in invoices)
    assert all((i.billing_address, i.billing_postal_code) == ("", "") for i in invoices)
    assert await AuditEntry.all().count() == audit_rows
    records = await PurgeRecord.filter(run_id=result.run_id).values_list(
        "rule", "subject_type", "action"
    )
    assert ("PAYMENT_LINKED", "Customer", "ANONYMISE") in records
    assert ("PAYMENT_LINKED", "Contact", "DELETE") in records
    assert ("INVOICE_ADDRESS", "Invoice", "ANONYMISE") in records
    # A second run finds nothing more to do for this customer.
    assert not [d for d in await plan(date(2033, 12, 1)) if d.subject_id == who.id]


async def test_a_customer_never_invoiced_goes_after_a_year_with_its_inquiry_text(
    world: World,
) -> None:
    who = await Customer.create(name="元 顧客", email="former@mail.example")
    await Contract.create(
        customer=who,
        plan=Plan.LIGHT,
        monthly_fee=3_300,
        started_on=date(2024, 4, 1),
        cancelled_on=date(2025, 6, 30),
    )
    inquiry = await Inquiry.create(customer=who, kind="APPLICATION", subject="解約", opened_at=NOW)
    await InquiryMessage.create(inquiry=inquiry, author="CUSTOMER", body="解約したい", at=NOW)
    assert not [d for d in await plan(date(2026, 6, 30)) if d.subject_id == who.id]
    due = [d.rule for d in await plan(date(2026, 7, 1)) if d.subject_id == who.id]
    assert due == [Rule.NO_PAYMENTS, Rule.INQUIRY_TEXT]
    await purge(date(2026, 7, 1), NOW)
    assert (await Customer.get(id=who.id)).email == ""
    assert (await Inquiry.get(id=inquiry.id)).subject == ""
    assert (await InquiryMessage.get(inquiry_id=inquiry.id)).body == ""


async def test_a_legal_hold_stops_the_purge_until_released(
    schema: PrivacySchema, world: World
) -> None:
    who = await Customer.create(name="係争 中", email="held@mail.example")
    await Contract.create(
        customer=who,
        plan=Plan.LIGHT,
        monthly_fee=3_300,
        started_on=date(2020, 4, 1),
        cancelled_on=date(2021, 3, 31),
    )
    admin = world.caller(Role.ADMIN)
    hold = """mutation M($id: ID!) @purpose(code: D) {
      placeLegalHold(customerId: $id, reason: "訴訟 2026-1")
      { id reason placedBy } }"""
    placed = _ok((await run(schema, hold, admin, variables={"id": who.id}))[0])["placeLegalHold"]
    assert (placed["placedBy"], placed["reason"]) == ("t-admin", "訴訟 2026-1")
    result = await purge(date(2026, 7, 1), NOW)
    assert [d.subject_id for d in result.held] == [who.id]
    assert (await Customer.get(id=who.id)).email == "held@mail.example"
    assert [d.hold for d in result.held] == [Hold.LEGAL_HOLD]
    release = "mutation M($id: ID!) { releaseLegalHold(id: $id) { releasedAt } }"
    _ok((await run(schema, release, admin, variables={"id": placed["id"]}))[0])
    await purge(date(2026, 7, 1), NOW)
    assert (await Customer.get(id=who.id)).email == ""


@pytest.mark.sqlite_only
def test_the_purge_command_refuses_the_future_and_dry_runs(tmp_path: Path) -> None:
    command = [sys.executable, "server.py", "purge", "--data-dir", str(tmp_path)]
    run_ = subprocess.run
    future = run_([*command, "--on", "2999-01-01"], capture_output=True, text=True)
    assert future.returncode == 2 and "future" in future.stderr
    dry = run_([*command, "--dry-run"], capture_output=True, text=True, check=True)
    assert "dry run: nothing changed" in dry.stdout


@pytest.mark.parametrize("start", [date(2019, 3, 31), date(2020, 2, 29)])
def test_due_dates_follow_the_anniversary(start: date) -> None:
    for rule in Rule:
        assert due_on(start, rule) > anniversary(start, 0)


async def test_an_open_rights_request_holds_the_purge_until_answered(world: World) -> None:
    from models import RightsRequest

    who = await Customer.create(name="開示 請求中", email="asking@mail.example")
    await Contract.create(
        customer=who,
        plan=Plan.LIGHT,
        monthly_fee=3_300,
        started_on=date(2020, 4, 1),
        cancelled_on=date(2021, 3, 31),
    )
    request = await RightsRequest.create(
        kind="DISCLOSURE",
        customer=who,
        document="PASSPORT",
        checked_by="t-support",
        checked_at=NOW,
        received_at=NOW,
        due_at=NOW,
        fee=0,
        policy_version="2009-09-01/1",
    )
    held = await purge(date(2026, 7, 1), NOW)
    assert [(d.subject_id, d.hold) for d in held.held] == [(who.id, Hold.OPEN_REQUEST)]
    assert (await Customer.get(id=who.id)).email == "asking@mail.example"
    await RightsRequest.filter(id=request.id).update(answered_at=NOW)
    await purge(date(2026, 7, 1), NOW)
    assert (await Customer.get(id=who.id)).email == ""


async def test_provision_records_are_kept_three_years_then_purged_by_the_same_run(
    world: World,
) -> None:
    who, other = world.customers[0], world.customers[1]
    made = datetime(2027, 3, 10, 9, tzinfo=UTC)
    buffer = AuditBuffer()
    given = provision.open_provision(
        buffer, recipient="配送 株式会社", provider_id=None, ground=Ground.DELIVERY,
        items=["name", "address"],
    )  # fmt: skip
    await given.give([who.id, other.id], made, "manifest:1")
    later = provision.open_provision(
        buffer, recipient="配送 株式会社", provider_id=None, ground=Ground.DELIVERY,
        items=["name"],
    )  # fmt: skip
    await later.give([who.id], datetime(2028, 1, 5, tzinfo=UTC), "manifest:2")
    assert buffer.pending_uses == 0 and len(buffer.entries) == 3
    first = await ProvisionRecord.filter(customer_id=who.id).order_by("id").first()
    assert first is not None and first.keep_until == date(2030, 3, 10)
    assert RULES[Rule.PROVISION_RECORDS].years == 3
    await place_legal_hold(other.id, reason="係争中", by="t-admin", at=NOW)

    def provisions(items: list[Any]) -> list[tuple[int, date, bool]]:
        return [(d.subject_id, d.due_on, d.held) for d in items if d.rule is Rule.PROVISION_RECORDS]

    assert provisions(await plan(date(2030, 3, 10))) == []  # the last day it must be kept
    early = await purge(date(2030, 3, 10), NOW)
    assert not provisions(early.done)
    assert await ProvisionRecord.all().count() == 3
    due = date(2030, 3, 11)
    assert provisions(await plan(due)) == [(who.id, due, False), (other.id, due, True)]
    result = await purge(due, NOW)
    assert provisions(result.done) == [(who.id, due, False)]
    assert provisions(result.held) == [(other.id, due, True)]
    # Only the record past its three years went; the younger one and the held one stay.
    left = await ProvisionRecord.all().order_by("id").values_list("customer_id", "keep_until")
    assert left == [(other.id, date(2030, 3, 10)), (who.id, date(2031, 1, 5))]
    assert await PurgeRecord.filter(run_id=result.run_id).values_list(
        "rule", "subject_type", "subject_id", "action"
    ) == [("PROVISION_RECORDS", "ProvisionRecord", first.id, "DELETE")]


async def test_an_invoice_loses_the_name_once_its_own_tax_retention_is_over(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    """The address goes with the customer record (7 years after cancellation); the name stays
    on each invoice until that invoice's tax retention is over: 7 years after the latest
    filing deadline its business year can have (issued 2026-10-01: end of February 2028),
    so from 2035-03-01. A legal hold holds it like the rest; then nothing personal is left."""
    who, contract = world.customers[4], business.contracts[4]
    await _cancel(schema, world, contract, "2026-11-30")
    await purge(date(2033, 12, 1), NOW)
    invoices = await Invoice.filter(customer_id=who.id).order_by("id")
    assert invoices and {i.issued_on for i in invoices} == {date(2026, 10, 1)}
    assert all(i.billing_name == who.name for i in invoices)
    assert invoice_name_due(date(2026, 10, 1)) == date(2035, 3, 1)
    assert not [d for d in await plan(date(2035, 2, 28)) if d.rule is Rule.INVOICE_NAME]
    [due] = [d for d in await plan(date(2035, 3, 1)) if d.rule is Rule.INVOICE_NAME]
    assert (due.subject_type, due.subject_id, due.due_on) == ("Customer", who.id, date(2035, 3, 1))
    # Held: listed, left alone.
    hold = await place_legal_hold(who.id, reason="訴訟", by="t-admin", at=NOW)
    held = await purge(date(2035, 3, 1), NOW)
    assert [(d.rule, d.hold) for d in held.held] == [(Rule.INVOICE_NAME, Hold.LEGAL_HOLD)]
    assert (await Invoice.get(id=invoices[0].id)).billing_name == who.name
    hold.released_at = NOW
    await hold.save()
    result = await purge(date(2035, 3, 1), NOW)
    assert [(d.rule, d.subject_id) for d in result.done] == [(Rule.INVOICE_NAME, who.id)]
    after = await Invoice.filter(customer_id=who.id).order_by("id")
    assert all(i.billing_name == "" for i in after)
    assert [(i.total, i.issued_on) for i in after] == [(i.total, i.issued_on) for i in invoices]
    records = await PurgeRecord.filter(run_id=result.run_id).values_list(
        "rule", "subject_type", "subject_id"
    )
    assert sorted(records) == sorted(("INVOICE_NAME", "Invoice", i.id) for i in invoices)
    assert not [d for d in await plan(date(2036, 1, 1)) if d.subject_id == who.id]
    # Another customer's invoices, still a customer: untouched whatever the date.
    assert await Invoice.filter(customer_id=world.customers[0].id, billing_name="").count() == 0


@pytest.mark.parametrize(
    ("issued", "clock"),
    [
        # A business year ending the day before the anniversary, its return due 4
        # months later at the latest (extension): never after the clock.
        (date(2020, 3, 31), date(2021, 7, 31)),
        (date(2020, 4, 1), date(2021, 8, 31)),
        (date(2019, 10, 15), date(2021, 2, 28)),
        (date(2020, 12, 1), date(2022, 4, 30)),
    ],
)
def test_an_invoices_tax_clock_is_no_earlier_than_any_business_years_deadline(
    issued: date, clock: date
) -> None:
    assert tax_clock(issued) == clock
    latest_year_end = anniversary(issued, 1) - timedelta(days=1)
    months = latest_year_end.year * 12 + latest_year_end.month - 1 + 4
    deadline_month = date(months // 12, months % 12 + 1, 1)
    assert deadline_month <= clock  # the deadline falls in that month or before
    assert invoice_name_due(issued) == due_on(clock, Rule.INVOICE_NAME)
