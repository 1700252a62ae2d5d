"""Row scope of business records: a record is reachable exactly when the person it is about
is. Customers reach their own, agents their customers' contracts and their own margins, staff
every record (which staff role may call which root field is `resolvers.permissions`'s say)."""

from __future__ import annotations

from typing import TypeVar

import strawberry
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.queryset import QuerySet

from directives.context import Caller
from directives.errors import ErrorCode, PrivacyError
from models import Contract, Inquiry, Invoice, MarginStatement
from resolvers.scope import scoped
from schema.page import parse_row_id

M = TypeVar("M", bound=Model)


def not_found(what: str = "record") -> PrivacyError:
    """The same answer for a row that does not exist and one outside the caller's scope."""
    return PrivacyError(ErrorCode.NOT_FOUND, f"No such {what} in your scope.")


async def locked_in_scope(
    query: QuerySet[M], row_id: strawberry.ID, conn: BaseDBAsyncClient, what: str = "record"
) -> M:
    """The row with this id among those in scope, locked for the transaction (PostgreSQL;
    SQLite's transaction holds its one connection), or NOT_FOUND either way."""
    row = await query.select_for_update().using_db(conn).get_or_none(id=parse_row_id(row_id))
    if row is None:
        raise not_found(what)
    return row


def visible_contracts(caller: Caller) -> QuerySet[Contract]:
    return scoped(Contract, caller, customer="customer_id", agent="customer__agent_id")


def visible_invoices(caller: Caller) -> QuerySet[Invoice]:
    """Agents are paid margins, they do not bill: no invoice is theirs to see (P5.E)."""
    return scoped(Invoice, caller, customer="customer_id", agent=None)


def visible_statements(caller: Caller) -> QuerySet[MarginStatement]:
    return scoped(MarginStatement, caller, customer=None, agent="agent_id")


def visible_inquiries(caller: Caller) -> QuerySet[Inquiry]:
    return scoped(Inquiry, caller, customer="customer_id", agent="customer__agent_id")
