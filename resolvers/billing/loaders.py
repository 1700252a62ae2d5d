"""Billing DataLoaders: a customer's invoices within the caller's scope; children of
invoices and margin statements already in scope."""

from __future__ import annotations

from typing import Any

from directives.context import Caller
from models import Invoice, InvoiceLine, MarginLine, MarginStatement, Payment, Payout
from resolvers.batching import by_parent, by_parent_in
from resolvers.billing.scope import visible_invoices


def billing_loaders(caller: Caller) -> dict[str, Any]:
    return {
        # A customer's invoices, as `invoices` would list them to the caller.
        "invoices_of_customer": by_parent_in(lambda: visible_invoices(caller), "customer_id"),
        "lines_of_invoice": by_parent(InvoiceLine, "invoice_id"),
        "payments_of_invoice": by_parent(Payment, "invoice_id"),
        "corrections_of_invoice": by_parent(Invoice, "corrects_id"),
        "lines_of_statement": by_parent(MarginLine, "statement_id"),
        "payouts_of_statement": by_parent(Payout, "statement_id"),
        "corrections_of_statement": by_parent(MarginStatement, "corrects_id"),
    }
