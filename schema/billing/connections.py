"""Pages of invoices and margin statements; `totalCount` counts only rows in scope."""

from __future__ import annotations

import strawberry

from schema.billing.invoice import Invoice
from schema.billing.margin_statement import MarginStatement
from schema.page import Counted, PageInfo


@strawberry.type
class InvoiceConnection(Counted):
    nodes: list[Invoice]
    page_info: PageInfo


@strawberry.type
class MarginStatementConnection:
    nodes: list[MarginStatement]
    page_info: PageInfo
