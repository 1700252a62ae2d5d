"""Sums over every row in the caller's scope, not one page (P5.E): what overdue invoices
still owe, and agents' margins per month. Computed in SQL only when a client selects them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tortoise.expressions import Subquery
from tortoise.functions import Coalesce, Count, Sum
from tortoise.queryset import QuerySet

from models import Invoice, MarginStatement, Payment
from schema.billing.connections import MonthlyMargin


def owed(overdue: QuerySet[Invoice]) -> Callable[[], Awaitable[int]]:
    """Total - credit - payments, summed over the invoices `overdue` selects."""

    async def total() -> int:
        ids = Subquery(overdue.values("id"))
        billed = await _one(
            Invoice.filter(id__in=ids).annotate(
                t=Coalesce(Sum("total"), 0), c=Coalesce(Sum("credit"), 0)
            ),
            "t",
            "c",
        )
        paid = await _one(
            Payment.filter(invoice_id__in=ids).annotate(p=Coalesce(Sum("amount"), 0)), "p"
        )
        return int(billed["t"]) - int(billed["c"]) - int(paid["p"])

    return total


async def _one(query: QuerySet[Any], *columns: str) -> dict[str, Any]:
    row = await query.first().values(*columns)
    return row or dict.fromkeys(columns, 0)


def monthly(statements: QuerySet[MarginStatement]) -> Callable[[], Awaitable[list[MonthlyMargin]]]:
    """Per month, the latest version of each statement: one that a correction supersedes is
    left out, the correction counted instead (a correction restates the month in full)."""

    async def totals() -> list[MonthlyMargin]:
        corrected = MarginStatement.filter(corrects_id__isnull=False).values("corrects_id")
        rows = (
            await statements.exclude(id__in=Subquery(corrected))
            .annotate(sum=Sum("total"), n=Count("id"))
            .group_by("period")
            .order_by("period")
            .values("period", "sum", "n")
        )
        return [
            MonthlyMargin(period=r["period"], total=int(r["sum"]), statements=int(r["n"]))
            for r in rows
        ]

    return totals
