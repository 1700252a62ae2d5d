"""Pages of invoices and margin statements; `totalCount` counts only rows in scope."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import strawberry

from schema.billing.invoice import Invoice
from schema.billing.margin_statement import MarginStatement
from schema.page import Count, Counted, PageInfo


@strawberry.type
class InvoiceConnection(Counted):
    nodes: list[Invoice]
    page_info: PageInfo


@strawberry.type(description="Overdue invoices, with the sum of what they still owe.")
class OverdueInvoiceConnection(InvoiceConnection):
    balance_sum: strawberry.Private[Count]

    @strawberry.field(
        description="Yen still owed on every overdue invoice in your scope (not only this "
        "page): total - credit - payments, summed; computed only when asked."
    )
    async def total_balance(self) -> int:
        return await self.balance_sum()


@strawberry.type(description="What an agent earned in one month (P5.E).")
class MonthlyMargin:
    period: date = strawberry.field(description="First day of the month.")
    total: int = strawberry.field(
        description="Yen: the month's statements, each counted in its latest version (a "
        "statement a correction supersedes is left out, its correction counted instead)."
    )
    statements: int = strawberry.field(description="Statements counted (latest versions).")


Monthly = Callable[[], Awaitable[list[MonthlyMargin]]]


@strawberry.type
class MarginStatementConnection(Counted):
    nodes: list[MarginStatement]
    page_info: PageInfo
    by_month: strawberry.Private[Monthly]

    @strawberry.field(
        description="Totals per month over every statement in your scope (not only this "
        "page), oldest month first; computed only when asked."
    )
    async def monthly_totals(self) -> list[MonthlyMargin]:
        return await self.by_month()
