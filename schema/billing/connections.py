"""Pages of invoices and margin statements; `totalCount` counts only rows in scope."""

from __future__ import annotations

import strawberry

from schema.billing.invoice import Invoice
from schema.billing.margin_statement import MarginStatement
from schema.page import Connection, Counted


@strawberry.type
class InvoiceConnection(Counted, Connection[Invoice]):
    """A page of Invoice rows."""


@strawberry.type
class MarginStatementConnection(Connection[MarginStatement]):
    """A page of MarginStatement rows."""
