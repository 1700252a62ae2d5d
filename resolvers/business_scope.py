"""Row scope of business records: a record is reachable exactly when the person it is about
is. Customers reach their own, agents their customers' contracts and their own margins, staff
every record (which staff role may call which root field is `resolvers.permissions`'s say)."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from directives.context import Caller
from directives.errors import ErrorCode, PrivacyError
from directives.vocabulary import Role
from models import Contract, Inquiry, Invoice, MarginStatement


def not_found(what: str = "record") -> PrivacyError:
    """The same answer for a row that does not exist and one outside the caller's scope."""
    return PrivacyError(ErrorCode.NOT_FOUND, f"No such {what} in your scope.")


def visible_contracts(caller: Caller) -> QuerySet[Contract]:
    if caller.role is Role.CUSTOMER:
        return Contract.filter(customer_id=caller.customer_id or 0)
    if caller.role is Role.AGENT:
        return Contract.filter(customer__agent_id=caller.agent_id or 0)
    return Contract.all()


def visible_invoices(caller: Caller) -> QuerySet[Invoice]:
    """Agents are paid margins, they do not bill: no invoice is theirs to see (P5.E)."""
    if caller.role is Role.CUSTOMER:
        return Invoice.filter(customer_id=caller.customer_id or 0)
    if caller.role is Role.AGENT:
        return Invoice.filter(id=0)
    return Invoice.all()


def visible_statements(caller: Caller) -> QuerySet[MarginStatement]:
    if caller.role is Role.AGENT:
        return MarginStatement.filter(agent_id=caller.agent_id or 0)
    if caller.role is Role.CUSTOMER:
        return MarginStatement.filter(id=0)
    return MarginStatement.all()


def visible_inquiries(caller: Caller) -> QuerySet[Inquiry]:
    if caller.role is Role.CUSTOMER:
        return Inquiry.filter(customer_id=caller.customer_id or 0)
    if caller.role is Role.AGENT:
        return Inquiry.filter(customer__agent_id=caller.agent_id or 0)
    return Inquiry.all()
