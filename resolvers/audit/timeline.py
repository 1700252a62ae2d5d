"""The auditors' event lists (security events, the access log) in time order, keyset-paged on
(at, id): oldest first, or newest first if asked.

Their rows are written after the fact (an access-log row once its answer is sent, after a
reverse lookup of up to a second, then riding with the next audit commit), so id order and
time order may disagree and nothing bounds by how much. Listed by id, a `since` filter walked
the ids from the first row, testing each row's time. Listed by (at, id), every filter is one
range of an (at, id) index — (kind, at, id) and (actor, at, id) for security events
(migration 0023) — and a page reads only its own rows, however long the log grows.

The cursor holds the last row's time (microseconds since the epoch, not a personal value) and
id, so it needs no lookup and stays valid when retention deletes that row.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from directives.reasons import ReasonCode, refused
from schema.page import PageInfo, PageRequest, page_of

M = TypeVar("M", bound=Model)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_MAX = 2**63 - 1


def encode_moment(at: datetime, row_id: int) -> str:
    when = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return base64.urlsafe_b64encode(
        f"t:{(when - EPOCH) // _MICROSECOND}:{row_id}".encode()
    ).decode()


def decode_moment(cursor: str) -> tuple[datetime, int]:
    try:
        kind, micros, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        if kind == "t" and _is_count(micros) and _is_count(row_id):
            return EPOCH + int(micros) * _MICROSECOND, int(row_id)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError):
        pass
    raise refused(ReasonCode.INVALID_CURSOR, "Invalid cursor.", fields=["after"])


def _is_count(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 19 and int(value) <= _MAX


async def fetch_in_time_order(
    query: QuerySet[M],
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    *,
    newest_first: bool = False,
) -> tuple[list[M], PageInfo]:
    """Forward: at most `first` rows after the `after` row in the list's order; backward: the
    last `last` rows before the `before` row (or the end), shown in the list's order."""
    page = PageRequest.parse(first, None, last, None)  # sizes and direction checked once
    cursor = before if page.backward else after
    descending = newest_first != page.backward  # the direction the index is read in
    if cursor is not None:
        at, row_id = decode_moment(cursor)
        if descending:
            query = query.filter(at__lte=at).filter(Q(at__lt=at) | Q(id__lt=row_id))
        else:
            query = query.filter(at__gte=at).filter(Q(at__gt=at) | Q(id__gt=row_id))
    order = ("-at", "-id") if descending else ("at", "id")
    rows = await query.order_by(*order).limit(page.size + 1)
    shown = rows[: page.size]
    if page.backward:
        shown.reverse()
    info = page_of(
        [encode_moment(row.at, row.pk) for row in shown],  # type: ignore[attr-defined]
        more=len(rows) > page.size,
        backward=page.backward,
        moved=cursor is not None,
    )
    return shown, info
