"""P7.3 requests from former customers, taken by support after an in-person identity check:
free once per calendar month (Japan time), 2,100 yen from the second, billed as an invoice
line and paid in cash; answered with the disclosure package (or "no data held") delivered as
JSON and HTML; stop and delete requests (APPI art. 35) through the same intake."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import (
    AuditEntry,
    AuditRequest,
    ConsentRecord,
    Contract,
    Customer,
    Invoice,
    InvoiceLine,
    Notification,
    Payment,
    RightsRequest,
)
from models.contracts import Plan
from models.rights import IdDocument, RequestKind
from rights.requests import IdentityCheck, take_request
from tests.business_world import Business
from tests.conftest import World, run
from tests.mailbox import Mailbox
from tests.rights.posted import Posted

TAKE = """mutation T($input: RightsRequestInput!) @purpose(code: D) {
  takeRightsRequest(input: $input) { id fee feeState invoiceId checkedBy dueAt replyTo } }"""
ANSWER = """mutation A($id: ID!) @purpose(code: D) {
  answerRightsRequest(id: $id) { answeredAt answerSummary feeState } }"""
PAY = """mutation P($id: ID!) @purpose(code: E) {
  payRightsRequestFee(id: $id, receivedOn: "2026-11-02") { feeState } }"""


@pytest.fixture
def posted(mailbox: Mailbox, tmp_path: Path) -> Posted:
    return Posted(mailbox, tmp_path / "post")


def _ok(result: Any) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return result.data  # type: ignore[no-any-return]


def _code(result: Any) -> str:
    assert result.errors, result
    return str(result.errors[0].extensions["code"])


def _input(kind: str, customer_id: int | None = None, reply_to: str | None = None) -> Any:
    return {
        "input": {
            "kind": kind,
            "customerId": customer_id,
            "replyTo": reply_to,
            "document": "DRIVERS_LICENCE",
            "checkedAt": "2026-11-01T01:00:00+00:00",
        }
    }


async def test_disclosure_is_free_once_a_month_then_billed_paid_in_cash_and_answered(
    schema: PrivacySchema, world: World, business: Business, posted: Posted
) -> None:
    who = world.customers[4]
    support, billing = world.caller(Role.SUPPORT), world.caller(Role.BILLING)
    first, context = await run(schema, TAKE, support, variables=_input("DISCLOSURE", who.id))
    taken = _ok(first)["takeRightsRequest"]
    assert (taken["fee"], taken["feeState"], taken["checkedBy"]) == (0, "FREE", "t-support")
    request = await AuditRequest.get(request_id=context.request_id)
    assert request.purpose == "D"
    entry = await AuditEntry.get(request_id=request.id)
    assert (entry.subject_type, entry.fields_decisions) == ("Requester", "replyTo:CLEAR")
    second, _ = await run(schema, TAKE, support, variables=_input("DISCLOSURE", who.id))
    billed = _ok(second)["takeRightsRequest"]
    assert (billed["fee"], billed["feeState"], billed["invoiceId"]) == (2_100, "DUE", None)
    # Not answered before the fee is paid; billing bills it and records it in cash (E).
    delivery = posted.delivery
    unpaid, _ = await run(
        schema, ANSWER, support, variables={"id": billed["id"]}, delivery=delivery
    )
    assert _code(unpaid) == "BAD_INPUT" and not await Notification.exists()
    paid, context = await run(schema, PAY, billing, variables={"id": billed["id"]})
    assert _ok(paid)["payRightsRequestFee"]["feeState"] == "PAID"
    invoice = await Invoice.get(id=(await RightsRequest.get(id=int(billed["id"]))).invoice_id)
    assert (invoice.total, invoice.customer_id, invoice.billing_name) == (2_100, who.id, who.name)
    line = await InvoiceLine.get(invoice_id=invoice.id)
    assert (line.kind, line.amount) == ("FEE", 2_100)
    assert (await Payment.get(invoice_id=invoice.id)).method == "CASH"
    # The invoice copies the customer's name and address: a use, audited under E.
    copy = await AuditEntry.get(request__request_id=context.request_id)
    assert copy.fields_decisions == "name:COPY,postalCode:COPY,address:COPY"
    again, _ = await run(schema, PAY, billing, variables={"id": billed["id"]})
    assert _code(again) == "BAD_INPUT"
    answered, context = await run(
        schema, ANSWER, support, variables={"id": billed["id"]}, delivery=delivery
    )
    summary = _ok(answered)["answerRightsRequest"]["answerSummary"]
    files = await posted.answer_to(who.email)
    package = json.loads(files["json"])
    assert package["held"] and package["customer"]["current"]["name"] == who.name
    assert package["customer"]["versions"][0]["values"]["phone"] == who.phone
    assert package["provision_records"]["records"] == []
    assert (
        "E: Billing of monthly fees, and payment of agents' margins"
        in (package["purposes_of_each_field"]["accountNumber"])
    )
    # The access history includes support's read of the reply address under D.
    assert {"role": "SUPPORT", "purpose": "D"}.items() <= package["access_history"][0].items()
    assert who.name in files["html"].decode()
    # The request keeps counts and a digest, never a value.
    assert who.name not in json.dumps(summary, ensure_ascii=False)
    assert summary["held"] and len(summary["sha256"]) == 64
    # The disclosure itself is in the audit, as a use of every personal field of the customer.
    disclosed = await AuditEntry.get(request__request_id=context.request_id, subject_id=who.id)
    assert disclosed.type_name == "DisclosurePackage"
    assert "accountNumber:DISCLOSE" in disclosed.fields_decisions
    twice, _ = await run(schema, ANSWER, support, variables={"id": billed["id"]}, delivery=delivery)
    assert _code(twice) == "BAD_INPUT" and await Notification.all().count() == 1


async def test_nothing_held_is_said_explicitly(
    schema: PrivacySchema, world: World, posted: Posted
) -> None:
    support = world.caller(Role.SUPPORT)
    taken, _ = await run(
        schema, TAKE, support, variables=_input("DISCLOSURE", reply_to="someone@mail.example")
    )
    request_id = _ok(taken)["takeRightsRequest"]["id"]
    delivery = posted.delivery
    result, _ = await run(schema, ANSWER, support, variables={"id": request_id}, delivery=delivery)
    assert _ok(result)["answerRightsRequest"]["answerSummary"]["held"] is False
    package = json.loads((await posted.answer_to("someone@mail.example"))["json"])
    assert package["held"] is False and "No personal information" in package["statement"]


async def test_without_a_delivery_an_answer_is_refused(schema: PrivacySchema, world: World) -> None:
    support = world.caller(Role.SUPPORT)
    taken, _ = await run(schema, TAKE, support, variables=_input("DISCLOSURE", reply_to="a@b.jp"))
    request_id = _ok(taken)["takeRightsRequest"]["id"]
    result, _ = await run(schema, ANSWER, support, variables={"id": request_id})
    assert _code(result) == "DELIVERY_UNAVAILABLE"
    assert (await RightsRequest.get(id=int(request_id))).answered_at is None


async def test_the_month_is_a_calendar_month_in_japan_time(
    world: World, business: Business
) -> None:
    who = world.customers[4]
    check = IdentityCheck(IdDocument.PASSPORT, "t-support", datetime(2026, 11, 1, tzinfo=UTC))

    async def fee(at: datetime) -> int:
        taken = await take_request(
            kind=RequestKind.DISCLOSURE, customer_id=who.id, reply_to="", check=check, at=at
        )
        return taken.fee

    assert await fee(datetime(2026, 11, 30, 14, 0, tzinfo=UTC)) == 0  # 23:00 on 30 Nov, Japan
    assert await fee(datetime(2026, 11, 30, 14, 59, tzinfo=UTC)) == 2_100
    assert await fee(datetime(2026, 11, 30, 15, 0, tzinfo=UTC)) == 0  # 00:00 on 1 Dec, Japan
    # Stop and delete requests cost nothing (only disclosure carries the P7.3 fee).
    stop = await take_request(
        kind=RequestKind.STOP,
        customer_id=who.id,
        reply_to="",
        check=check,
        at=datetime(2026, 11, 30, 16, 0, tzinfo=UTC),
    )
    assert stop.fee == 0


async def test_a_stop_request_withdraws_every_consent_based_use_at_once(
    schema: PrivacySchema, world: World, business: Business, posted: Posted
) -> None:
    who = world.customers[4]
    support = world.caller(Role.SUPPORT)
    taken, _ = await run(schema, TAKE, support, variables=_input("STOP", who.id))
    delivery = posted.delivery
    request_id = _ok(taken)["takeRightsRequest"]["id"]
    _ok((await run(schema, ANSWER, support, variables={"id": request_id}, delivery=delivery))[0])
    row = await Customer.get(id=who.id)
    assert row.survey_opt_out and row.marketing_opt_out
    records = await ConsentRecord.filter(customer_id=who.id).values_list("use", "channel")
    assert sorted(records) == [("G", "IN_PERSON"), ("H", "IN_PERSON")]
    answer = json.loads((await posted.answer_to(who.email))["json"])
    assert answer["stopped_uses"] == ["G", "H"]
    assert answer["kept"][0]["why"].startswith("An active contract")


async def test_a_delete_request_keeps_what_tax_law_keeps_and_deletes_the_rest(
    schema: PrivacySchema, world: World, business: Business, posted: Posted
) -> None:
    support = world.caller(Role.SUPPORT)
    # Invoiced and cancelled: the record stays until 7 years after cancellation.
    invoiced = world.customers[4]
    await Contract.filter(customer_id=invoiced.id).update(cancelled_on=date(2026, 10, 31))
    # Never invoiced and cancelled: deleted (anonymised) at once.
    former = await Customer.create(name="元 顧客", email="former@mail.example")
    await Contract.create(
        customer=former,
        plan=Plan.LIGHT,
        monthly_fee=3_300,
        started_on=date(2025, 4, 1),
        cancelled_on=date(2025, 9, 30),
    )
    answers = {}
    for who in (invoiced, former):
        taken, _ = await run(schema, TAKE, support, variables=_input("DELETE", who.id))
        request_id = _ok(taken)["takeRightsRequest"]["id"]
        variables = {"id": request_id}
        _ok((await run(schema, ANSWER, support, variables=variables, delivery=posted.delivery))[0])
        answers[who.id] = json.loads((await posted.answer_to(who.email))["json"])
    kept = answers[invoiced.id]["kept"][0]
    assert kept["until"] == "2033-11-01" and "Corporation Tax Act" in kept["why"]
    assert (await Customer.get(id=invoiced.id)).name == invoiced.name
    assert answers[former.id]["kept"] == []
    assert "Customer ANONYMISE" in answers[former.id]["deleted"]
    assert (await Customer.get(id=former.id)).email == ""


MINE = "{ myRightsRequests { id kind document checkedBy dueAt feeState answeredAt } }"


async def _take(
    schema: PrivacySchema, world: World, kind: str, who: int | None, reply_to: str | None = None
) -> Any:
    result, _ = await run(
        schema, TAKE, world.caller(Role.SUPPORT), variables=_input(kind, who, reply_to)
    )
    return result


async def test_a_customer_reads_its_own_requests_and_nobody_elses(
    schema: PrivacySchema, world: World
) -> None:
    me, other = world.customers[0], world.customers[1]
    mine = _ok(await _take(schema, world, "DISCLOSURE", me.id))["takeRightsRequest"]["id"]
    _ok(await _take(schema, world, "STOP", other.id))
    _ok(await _take(schema, world, "DELETE", None, "former@example.jp"))
    result, _ = await run(schema, MINE, world.caller(Role.CUSTOMER))
    nodes = _ok(result)["myRightsRequests"]
    assert [(n["id"], n["kind"]) for n in nodes] == [(mine, "DISCLOSURE")]
    assert nodes[0]["document"] == "DRIVERS_LICENCE" and nodes[0]["answeredAt"] is None
    for role in (Role.SUPPORT, Role.AGENT, Role.AUDITOR):
        refused, _ = await run(schema, MINE, world.caller(role))
        assert refused.errors and _code(refused) == "FORBIDDEN"
