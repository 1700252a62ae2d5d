"""Which invoices and margin statements a caller reaches."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from directives.context import Caller
from models import Invoice, MarginStatement
from resolvers.scope import scoped


def visible_invoices(caller: Caller) -> QuerySet[Invoice]:
    """Agents are paid margins, they do not bill: no invoice is theirs to see (P5.E)."""
    return scoped(Invoice, caller, customer="customer_id", agent=None)


def visible_statements(caller: Caller) -> QuerySet[MarginStatement]:
    return scoped(MarginStatement, caller, customer=None, agent="agent_id")
