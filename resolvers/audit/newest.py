"""The read audit newest first: by request (newest first), then by entry, keyset-paged.

An auditor looks for recent reads first; a busy subject's latest page must not sit behind
thousands of older ones. The order (request id, entry id), both descending, is what the
indexes (request_id, id) and (subject_type, subject_id, request_id, id) hold, and what the
join from audit_request's (actor, id) and (purpose, id) indexes yields, so no page sorts.

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

from tortoise.connection import get_connection
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from directives.reasons import ReasonCode, refused
from models import AuditEntry
from schema.page import PageInfo, PageRequest, page_of

_MAX_ID = 2**63 - 1


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


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 19 and int(value) <= _MAX_ID


def by_request_column(
    query: QuerySet[AuditEntry], *, actor: str | None, purpose: str | None
) -> tuple[QuerySet[AuditEntry], str | None]:
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
    query: QuerySet[AuditEntry],
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    *,
    from_requests: bool,
    lead: str | None = None,
) -> tuple[list[AuditEntry], PageInfo]:
    """Forward: older entries after the cursor. Backward: the `last` entries before the
    `before` cursor (newer ones), or the oldest `last` without a cursor; shown newest first.

    `from_requests`: the filter is on audit_request alone (actor, purpose, time), so the
    rows come from its (actor, id) / (purpose, id) index, request by request. SQLite then
    needs the order named on that table's id to read it without sorting (it does not carry
    the order across the join's equality); PostgreSQL plans from the entry's column.
    `lead`: the audit_request column filtered as a one-value range, first in the order."""
    page = PageRequest.parse(first, None, last, None)
    cursor = before if page.backward else after
    if cursor is not None:
        request_id, entry_id = decode_newest(cursor)
        # Bounded on both tables' columns: each side's index starts at the cursor.
        if page.backward:
            query = query.filter(request_id__gte=request_id, request__id__gte=request_id).filter(
                Q(request_id__gt=request_id) | Q(id__gt=entry_id)
            )
        else:
            query = query.filter(request_id__lte=request_id, request__id__lte=request_id).filter(
                Q(request_id__lt=request_id) | Q(id__lt=entry_id)
            )
    by_request = from_requests and get_connection("default").capabilities.dialect == "sqlite"
    keys = ["request__id" if by_request or lead else "request_id", "id"]
    if lead is not None:
        keys.insert(0, f"request__{lead}")
    order = keys if page.backward else [f"-{key}" for key in keys]
    rows = await query.order_by(*order).limit(page.size + 1)
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
