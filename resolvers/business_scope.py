"""Row scope of business records: a record is reachable exactly when the person it is about
is. Customers reach their own, agents their customers' contracts and their own margins, staff
every record (which staff role may call which root field is `resolvers.permissions`'s say)."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from directives.context import Caller
from directives.errors import ErrorCode, PrivacyError
from models import Contract, Inquiry, Invoice, MarginStatement
from resolvers.scope import scoped


def not_found(what: str = "record") -> PrivacyError:
    """The same answer for a row that does not exist and one outside the caller's scope."""
    return PrivacyError(ErrorCode.NOT_FOUND, f"No such {what} in your scope.")


def visible_contracts(caller: Caller) -> QuerySet[Contract]:
    return scoped(Contract, caller, customer="customer_id", agent="customer__agent_id")


def visible_invoices(caller: Caller) -> QuerySet[Invoice]:
    """Agents are paid margins, they do not bill: no invoice is theirs to see (P5.E)."""
    return scoped(Invoice, caller, customer="customer_id", agent=None)


def visible_statements(caller: Caller) -> QuerySet[MarginStatement]:
    return scoped(MarginStatement, caller, customer=None, agent="agent_id")


def visible_inquiries(caller: Caller) -> QuerySet[Inquiry]:
    return scoped(Inquiry, caller, customer="customer_id", agent="customer__agent_id")
