"""The read audit newest first: by request (newest first), then by entry, keyset-paged.

An auditor looks for recent reads first; a busy subject's latest page must not sit behind
thousands of older ones. The order (request id, entry id), both descending, is what the
index (request_id, id) and the keys by subject (subject_type, subject_id, request_id, id:
models/by_subject.py) hold, and what the join from audit_request's (actor, id) and
(purpose, id) indexes yields, so no page sorts.

An actor or purpose filter names its column as the first key of the order (`lead`), compared
as a range of one value (`actor >= x AND actor <= x`): equal to a constant, PostgreSQL drops
the column from the order, and its generic plan (asyncpg prepares every statement) may then
walk audit_request's primary key newest first testing each row's actor — cheap for a busy
actor, the whole log for a rare one (0.2 s at 500,000 requests). As a range, the order
(actor, id) is one only the (actor, id) index delivers, so every plan reads that index from
the cursor on, whatever the statistics say.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, TypeVar

from tortoise.connection import get_connection
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from directives.reasons import ReasonCode, refused
from models import AuditEntry, SubjectEntry
from schema.page import PageInfo, PageRequest, page_of

_MAX_ID = 2**63 - 1
E = TypeVar("E", AuditEntry, SubjectEntry)  # the entries, or their keys by subject


def encode_newest(request_id: int, entry_id: int) -> str:
    return base64.urlsafe_b64encode(f"n:{request_id}:{entry_id}".encode()).decode()


def decode_newest(cursor: str) -> tuple[int, int]:
    try:
        kind, request_id, entry_id = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        if kind == "n" and all(_is_id(v) for v in (request_id, entry_id)):
            return int(request_id), int(entry_id)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise refused(ReasonCode.INVALID_CURSOR, "Invalid cursor.", fields=["after"])


def _from_cursor(
    query: QuerySet[E], request: str, position: tuple[int, int], *, backward: bool
) -> QuerySet[E]:
    """The rows after the cursor (older ones), or before it (newer) when paging back."""
    request_id, entry_id = position
    bound: dict[str, Any] = {f"{request}__{'gte' if backward else 'lte'}": request_id}
    beyond: dict[str, Any] = {f"{request}__{'gt' if backward else 'lt'}": request_id}
    same_request_past = Q(id__gt=entry_id) if backward else Q(id__lt=entry_id)
    return query.filter(**bound).filter(Q(**beyond) | same_request_past)


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 19 and int(value) <= _MAX_ID


def by_request_column(
    query: QuerySet[E], *, actor: str | None, purpose: str | None
) -> tuple[QuerySet[E], str | None]:
    """The actor and purpose filters, and the column that leads the order (`fetch_newest`'s
    `lead`): on PostgreSQL the first of them, as a one-value range. SQLite plans the equality
    from the (column, id) index without a sort, and given both would pick purpose's index
    for the equality and sort by the range: there both stay equalities, no lead."""
    lead = None
    if get_connection("default").capabilities.dialect == "postgres":
        lead = "actor" if actor is not None else "purpose" if purpose is not None else None
    for column, value in (("actor", actor), ("purpose", purpose)):
        if value is None:
            continue
        if column == lead:
            query = query.filter(
                **{f"request__{column}__gte": value, f"request__{column}__lte": value}
            )
        else:
            query = query.filter(**{f"request__{column}": value})
    return query, lead


async def fetch_newest(
    parts: list[QuerySet[E]],
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    *,
    from_requests: bool,
    lead: str | None = None,
) -> tuple[list[E], PageInfo]:
    """Forward: older entries after the cursor. Backward: the `last` entries before the
    `before` cursor (newer ones), or the oldest `last` without a cursor; shown newest first.
    `parts`: the list as consecutive id ranges, newest first (a time window's, window.py),
    read in turn until the page is full.

    `from_requests`: an actor or purpose filter and no subject, so the rows come from
    audit_request's (actor, id) / (purpose, id) index, request by request: the order and the
    cursor are named on that table's id (SQLite does not carry an order across the join's
    equality; bounding the entry's column too made PostgreSQL multiply the two bounds'
    selectivities, expect a few rows per request and sort them all). Otherwise on the
    entry's column, which its (request_id, id) and subject indexes hold. `lead`: the
    audit_request column filtered as a one-value range, first in the order."""
    page = PageRequest.parse(first, None, last, None)
    cursor = before if page.backward else after
    request = "request__id" if from_requests else "request_id"
    keys = [request, "id"] if lead is None else [f"request__{lead}", request, "id"]
    order = keys if page.backward else [f"-{key}" for key in keys]
    position = decode_newest(cursor) if cursor is not None else None
    rows: list[E] = []
    for query in reversed(parts) if page.backward else parts:
        if position is not None:
            query = _from_cursor(query, request, position, backward=page.backward)
        rows += await query.order_by(*order).limit(page.size + 1 - len(rows))
        if len(rows) > page.size:
            break
    shown = rows[: page.size]
    if page.backward:
        shown.reverse()
    info = page_of(
        [encode_newest(row.request_id, row.id) for row in shown],
        more=len(rows) > page.size,
        backward=page.backward,
        moved=cursor is not None,
    )
    return shown, info
