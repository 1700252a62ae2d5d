"""Row scope: which rows a caller can reach at all. Out-of-scope rows simply are not found.

Each domain names its own rows in its `scope.py` (people, sales, billing, inquiries) with
`scoped`; the roles' reach is the operation policy's `RowScope.PEOPLE`.
"""

from __future__ import annotations

from typing import TypeVar

import strawberry
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.queryset import QuerySet

from directives.context import Caller
from directives.errors import ErrorCode, PrivacyError
from directives.vocabulary import Role
from schema.page import parse_row_id

# Research (P5.F) works on pseudonymised rows and aggregates only: an analyst reaches no
# customer or agent record, not even by id (ids would link research rows back to people).
NO_RECORDS: frozenset[Role] = frozenset({Role.ANALYST})


M = TypeVar("M", bound=Model)


def scoped(
    model: type[M], caller: Caller, *, customer: str | None, agent: str | None
) -> QuerySet[M]:
    """Rows of `model` the caller reaches: through `customer` (the lookup naming the
    caller's customer record) for customers, through `agent` for agents, through `customer`
    to the customers its NDAs reach today for partners (P8.1), none for roles without
    records, all for other staff. A missing lookup means none."""
    if caller.role is Role.PARTNER:
        reached = list(caller.partner.customers) if caller.partner else []
        return model.filter(**{f"{customer}__in": reached}) if customer else model.filter(id=0)
    if caller.role is Role.CUSTOMER:
        lookup, own = customer, caller.customer_id
    elif caller.role is Role.AGENT:
        lookup, own = agent, caller.agent_id
    elif caller.role in NO_RECORDS:
        lookup, own = None, None
    else:
        return model.all()
    return model.filter(**{lookup: own or 0}) if lookup else model.filter(id=0)


def own_records_only(caller: Caller) -> bool:
    """Whether `scoped` gives this caller its own records only (P7.1: a customer)."""
    return caller.role is Role.CUSTOMER


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
