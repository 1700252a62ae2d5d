"""Pages of lists sorted by a column other than the id: keyset pages, opaque cursors.

The cursor names the last row shown (its id), never its sort value, so it carries no personal
value. The next page starts after that row's (value, id) (paging back, the previous page ends
before it) as read again from the same query — the caller's scope, filters and consent — so a
cursor naming a row outside them is refused rather than used as a probe. Each page reads from
the (column, id) index: as fast at the millionth row as at the first. NULLs come last on every
backend.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from directives.reasons import ReasonCode, refused
from models.sqlite_client import small_read
from schema.page import PageInfo, PageRequest, page_of, parse_row_id

M = TypeVar("M", bound=Model)


def encode_position(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"k:{row_id}".encode()).decode()


def decode_position(cursor: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "k":
            return parse_row_id(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise refused(ReasonCode.INVALID_CURSOR, "Invalid cursor.", fields=["after"])


async def fetch_sorted(
    query: QuerySet[M],
    column: str,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> tuple[list[M], PageInfo]:
    """Rows in (`column`, id) order, NULLs last: forward, at most `first` after the `after`
    row; or backward, the last `last` rows before the `before` row (or the end)."""
    page = PageRequest.parse(first, None, last, None)  # sizes and direction checked once
    cursor = before if page.backward else after
    # Each statement's rows are bounded by the page (models/sqlite_client.py checks its plan).
    with small_read(page.size + 1):
        start = await _anchor(query, column, cursor)
        if page.backward:
            rows = await _before(query, column, start, page.size + 1)
        else:
            rows = await _after(query, column, start, page.size + 1)
    shown = rows[: page.size]
    if page.backward:
        shown.reverse()
    info = page_of(
        [encode_position(row.pk) for row in shown],
        more=len(rows) > page.size,
        backward=page.backward,
        moved=cursor is not None,
    )
    return shown, info


async def _anchor(query: QuerySet[M], column: str, after: str | None) -> tuple[Any, int] | None:
    if after is None:
        return None
    row_id = decode_position(after)
    found = await query.filter(id=row_id).values_list(column, flat=True)
    if not found:
        raise refused(ReasonCode.INVALID_CURSOR, "Invalid cursor.", fields=["after"])
    return found[0], row_id


async def _after(
    query: QuerySet[M], column: str, start: tuple[Any, int] | None, limit: int
) -> list[M]:
    if column == "id":
        after_id = start[1] if start else 0
        return await query.filter(id__gt=after_id).order_by("id").limit(limit)
    nullable = query.model._meta.fields_map[column].null
    rows: list[M] = []
    if start is None or start[0] is not None:
        rows = await _values_after(query, column, start, limit)
    if nullable and len(rows) < limit:
        after_id = start[1] if start is not None and start[0] is None else 0
        nulls = query.filter(**{f"{column}__isnull": True, "id__gt": after_id})
        rows += await nulls.order_by("id").limit(limit - len(rows))
    return rows


async def _before(
    query: QuerySet[M], column: str, end: tuple[Any, int] | None, limit: int
) -> list[M]:
    """The mirror of `_after`: rows before (value, id), nearest first — the NULLs (which
    come last) first, then the values, each in descending order."""
    if column == "id":
        if end is not None:
            query = query.filter(id__lt=end[1])
        return await query.order_by("-id").limit(limit)
    nullable = query.model._meta.fields_map[column].null
    rows: list[M] = []
    if nullable and (end is None or end[0] is None):
        nulls = query.filter(**{f"{column}__isnull": True})
        if end is not None:
            nulls = nulls.filter(id__lt=end[1])
        rows = await nulls.order_by("-id").limit(limit)
    if len(rows) < limit:
        values = query.filter(**{f"{column}__isnull": False})
        if end is not None and end[0] is not None:
            value, row_id = end
            values = values.filter(**{f"{column}__lte": value}).filter(
                Q(**{f"{column}__lt": value}) | Q(id__lt=row_id)
            )
        rows += await values.order_by(f"-{column}", "-id").limit(limit - len(rows))
    return rows


async def _values_after(
    query: QuerySet[M], column: str, start: tuple[Any, int] | None, limit: int
) -> list[M]:
    """Non-null values after (value, id): `column >= value` bounds the index range, the OR
    skips the rows of the same value up to the anchor's id."""
    page = query.filter(**{f"{column}__isnull": False})
    if start is not None:
        value, row_id = start
        page = page.filter(**{f"{column}__gte": value}).filter(
            Q(**{f"{column}__gt": value}) | Q(id__gt=row_id)
        )
    return await page.order_by(column, "id").limit(limit)
