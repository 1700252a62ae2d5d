"""Billing DataLoaders: children of invoices and margin statements already in scope."""

from __future__ import annotations

from typing import Any

from models import Invoice, InvoiceLine, MarginLine, Payment, Payout
from resolvers.batching import by_parent


def billing_loaders() -> dict[str, Any]:
    return {
        "lines_of_invoice": by_parent(InvoiceLine, "invoice_id"),
        "payments_of_invoice": by_parent(Payment, "invoice_id"),
        "corrections_of_invoice": by_parent(Invoice, "corrects_id"),
        "lines_of_statement": by_parent(MarginLine, "statement_id"),
        "payouts_of_statement": by_parent(Payout, "statement_id"),
    }
