"""Billing and agents' margins (P5.E): invoices, the overdue dashboard, margin statements."""

from __future__ import annotations

from datetime import UTC, date, datetime

import strawberry
from tortoise.expressions import F, Subquery
from tortoise.functions import Coalesce, Sum
from tortoise.queryset import QuerySet

from models import Invoice as InvoiceRow
from resolvers.billing.scope import visible_invoices, visible_statements
from resolvers.billing.sums import monthly, owed
from resolvers.paging import fetch_page
from schema.billing.connections import (
    InvoiceConnection,
    MarginStatementConnection,
    OverdueInvoiceConnection,
)
from schema.billing.invoice import Invoice
from schema.billing.margin_statement import MarginStatement
from schema.context import Info, caller_of
from schema.page import PageRequest, parse_row_id


def overdue(query: QuerySet[InvoiceRow], as_of: date) -> QuerySet[InvoiceRow]:
    """Due before `as_of`, not paid in full (counting the credit a correction carries), and
    not superseded by a correction."""
    corrected = InvoiceRow.filter(corrects_id__isnull=False)
    return (
        query.filter(due_on__lt=as_of)
        .exclude(id__in=Subquery(corrected.values("corrects_id")))
        .annotate(paid=Coalesce(Sum("payments__amount"), 0))
        .filter(paid__lt=F("total") - F("credit"))
    )


async def invoice_page(
    query: QuerySet[InvoiceRow], first: int | None, after: str | None
) -> InvoiceConnection:
    rows, page = await fetch_page(query, PageRequest.parse(first, after))
    return InvoiceConnection(
        nodes=[Invoice.from_model(r) for r in rows], page_info=page, count=query.count
    )


@strawberry.type
class BillingQuery:
    @strawberry.field(
        description="Invoices in your scope: a customer's own, or all for billing.",
    )
    async def invoices(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> InvoiceConnection:
        return await invoice_page(visible_invoices(caller_of(info)), first, after)

    @strawberry.field(
        description="One invoice in your scope, or null.",
    )
    async def invoice(self, info: Info, id: strawberry.ID) -> Invoice | None:
        row = await visible_invoices(caller_of(info)).get_or_none(id=parse_row_id(id))
        return Invoice.from_model(row) if row is not None else None

    @strawberry.field(
        description="Billing dashboard: invoices past due and not paid in full (as of today "
        "unless `asOf` is given), oldest first by id.",
    )
    async def overdue_invoices(
        self,
        info: Info,
        as_of: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> OverdueInvoiceConnection:
        day = as_of or datetime.now(UTC).date()
        query = overdue(visible_invoices(caller_of(info)), day)
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return OverdueInvoiceConnection(
            nodes=[Invoice.from_model(r) for r in rows],
            page_info=page,
            count=query.count,
            balance_sum=owed(query),
        )

    @strawberry.field(
        description="Margin statements (P5.E): an agent's own, or all for billing; "
        "`monthlyTotals` sums each month's latest versions.",
    )
    async def margin_statements(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> MarginStatementConnection:
        query = visible_statements(caller_of(info))
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return MarginStatementConnection(
            nodes=[MarginStatement.from_model(r) for r in rows],
            page_info=page,
            count=query.count,
            by_month=monthly(query),
        )
