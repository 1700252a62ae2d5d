"""Billing (P5.E): a correction never bills twice, payments stay within what is due, and one
invoice is corrected once even under concurrency."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import Invoice, Payment
from resolvers.billing.mutation import _today
from tests.business_world import Business
from tests.conftest import World, code_of, run

PAY = """mutation M($id: ID!, $amount: Int!, $on: Date!) @purpose(code: E) {
  recordPayment(invoiceId: $id, amount: $amount, receivedOn: $on) { balance } }"""
FIX = """mutation M($id: ID!, $total: Int!) @purpose(code: E) {
  correctInvoice(invoiceId: $id, total: $total, reason: "割引") {
    id total credit balance lines { kind description amount } } }"""
READ = """query Q($id: ID!) @purpose(code: E) { invoice(id: $id) { balance } }"""


async def _do(schema: PrivacySchema, world: World, query: str, **variables: Any) -> Any:
    result, _ = await run(schema, query, world.caller(Role.BILLING), variables=variables)
    return result


def _ok(result: Any, field: str) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return result.data[field]  # type: ignore[no-any-return]


def _refused(result: Any, *hidden: str) -> str:
    error = result.errors[0]
    assert code_of(error) == "BAD_INPUT"
    assert not any(h in error.message for h in hidden)  # no value echoed
    return str(error.message)


async def test_a_correction_credits_what_was_paid_and_copies_the_lines(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    target = business.invoices[0].id
    _ok(await _do(schema, world, PAY, id=target, amount=3_000, on="2026-10-20"), "recordPayment")
    fixed = _ok(await _do(schema, world, FIX, id=target, total=5_500), "correctInvoice")
    assert (fixed["total"], fixed["credit"], fixed["balance"]) == (5_500, 3_000, 2_500)
    assert [(line["kind"], line["amount"]) for line in fixed["lines"]] == [
        ("PLAN", 5_500),
        ("OPTION", 1_100),
        ("ADJUST", -1_100),
    ]
    assert _ok(await _do(schema, world, READ, id=target), "invoice")["balance"] == 0
    # A correction of the correction credits the whole chain.
    _ok(await _do(schema, world, PAY, id=fixed["id"], amount=500, on="2026-11-01"), "recordPayment")
    again = _ok(await _do(schema, world, FIX, id=fixed["id"], total=5_000), "correctInvoice")
    assert (again["credit"], again["balance"]) == (3_500, 1_500)


async def test_a_total_of_zero_cancels_and_shows_what_is_owed_back(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    paid = business.invoices[1].id  # paid in full
    fixed = _ok(await _do(schema, world, FIX, id=paid, total=0), "correctInvoice")
    assert (fixed["total"], fixed["credit"], fixed["balance"]) == (0, 6_600, -6_600)
    assert sum(line["amount"] for line in fixed["lines"]) == 0


async def test_a_paid_up_correction_is_not_overdue(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    target = business.invoices[0].id
    _ok(await _do(schema, world, PAY, id=target, amount=6_000, on="2026-10-20"), "recordPayment")
    _ok(await _do(schema, world, FIX, id=target, total=6_000), "correctInvoice")
    later = (_today() + timedelta(days=60)).isoformat()
    query = "query Q($d: Date) @purpose(code: E) { overdueInvoices(asOf: $d) { nodes { id } } }"
    result, _ = await run(schema, query, world.caller(Role.BILLING), variables={"d": later})
    overdue = {n["id"] for n in _ok(result, "overdueInvoices")["nodes"]}
    assert str(target) not in overdue and len(overdue) == 3  # 0 and 1 settled, 2-4 overdue


async def test_payments_are_refused_above_the_balance_in_the_future_or_when_corrected(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    target = business.invoices[0].id
    too_much = await _do(schema, world, PAY, id=target, amount=6_601, on="2026-10-20")
    assert "balance" in _refused(too_much, "6601", "6,601")
    tomorrow = (_today() + timedelta(days=1)).isoformat()
    future = await _do(schema, world, PAY, id=target, amount=100, on=tomorrow)
    assert "future" in _refused(future, tomorrow)
    paid_up = await _do(schema, world, PAY, id=business.invoices[1].id, amount=1, on="2026-10-21")
    _refused(paid_up)
    _ok(await _do(schema, world, FIX, id=target, total=5_500), "correctInvoice")
    superseded = await _do(schema, world, PAY, id=target, amount=100, on="2026-10-20")
    assert "corrected" in _refused(superseded)
    assert await Payment.filter(invoice_id=target).count() == 0


async def test_two_concurrent_corrections_make_one(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    target = business.invoices[2].id
    results = await asyncio.gather(
        *(_do(schema, world, FIX, id=target, total=t) for t in (5_000, 5_100))
    )
    assert sorted(r.errors is None for r in results) == [False, True]
    assert await Invoice.filter(corrects_id=target).count() == 1


async def test_the_database_allows_one_correction_per_invoice(business: Business) -> None:
    original = business.invoices[3]
    fields = {
        "contract_id": original.contract_id,
        "customer_id": original.customer_id,
        "period": original.period,
        "issued_on": date(2026, 11, 1),
        "due_on": date(2026, 12, 1),
        "total": 1,
        "billing_name": "x",
        "corrects_id": original.id,
    }
    await Invoice.create(**fields)  # type: ignore[arg-type]
    with pytest.raises(IntegrityError):
        await Invoice.create(**fields)  # type: ignore[arg-type]
