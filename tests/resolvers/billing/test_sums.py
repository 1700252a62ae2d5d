"""Sums over the whole scope, not one page (P5.E): what overdue invoices still owe, and each
month's margins counted in their latest versions (a correction replaces what it corrects)."""

from __future__ import annotations

from datetime import date

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import MarginStatement, Payment
from tests.business_world import Business
from tests.conftest import World, run

OVERDUE = """query @purpose(code: E) { overdueInvoices(asOf: "2026-12-01", first: 1) {
  totalCount totalBalance nodes { balance } } }"""
MARGINS = """query @purpose(code: E) { marginStatements(first: 1) { totalCount
  monthlyTotals { period total statements } nodes { id supersededBy } } }"""


async def test_the_overdue_total_covers_every_page(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    await Payment.create(invoice=business.invoices[0], amount=1_000, received_on=date(2026, 11, 1))
    result, _ = await run(schema, OVERDUE, world.caller(Role.BILLING))
    assert result.errors is None, result.errors
    page = result.data["overdueInvoices"]  # type: ignore[index]
    unpaid = [i for n, i in enumerate(business.invoices) if n != 1]
    assert page["totalCount"] == len(unpaid) and len(page["nodes"]) == 1
    assert page["totalBalance"] == sum(i.total for i in unpaid) - 1_000


async def test_a_month_counts_the_latest_version_of_each_statement(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    first = business.statement1
    fixed = await MarginStatement.create(
        agent=world.agent1,
        period=first.period,
        issued_on=date(2026, 11, 20),
        total=1_000,
        corrects=first,
    )
    await MarginStatement.create(
        agent=world.agent1, period=date(2026, 11, 1), issued_on=date(2026, 12, 5), total=700
    )
    billing, _ = await run(schema, MARGINS, world.caller(Role.BILLING))
    assert billing.errors is None, billing.errors
    seen = billing.data["marginStatements"]  # type: ignore[index]
    october = fixed.total + business.statement2.total  # agent1's correction, agent2's original
    assert seen["monthlyTotals"] == [
        {"period": "2026-10-01", "total": october, "statements": 2},
        {"period": "2026-11-01", "total": 700, "statements": 1},
    ]
    assert seen["nodes"] == [{"id": str(first.id), "supersededBy": str(fixed.id)}]
    agent, _ = await run(schema, MARGINS, world.caller(Role.AGENT))
    mine = agent.data["marginStatements"]["monthlyTotals"]  # type: ignore[index]
    assert mine == [
        {"period": "2026-10-01", "total": 1_000, "statements": 1},  # never another agent's
        {"period": "2026-11-01", "total": 700, "statements": 1},
    ]
