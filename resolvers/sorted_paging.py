"""Pages of lists sorted by a column other than the id: keyset pages, opaque cursors.

The cursor names the last row shown (its id), never its sort value, so it carries no personal
value. The next page starts after that row's (value, id) as read again from the same query —
the caller's scope, filters and consent — so a cursor naming a row outside them is refused
rather than used as a probe. Each page reads from the (column, id) index: as fast at the
millionth row as at the first. NULLs come last on every backend.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from directives.reasons import ReasonCode, refused
from schema.page import PageInfo, PageRequest, parse_row_id

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
    query: QuerySet[M], column: str, first: int | None, after: str | None
) -> tuple[list[M], PageInfo]:
    """Rows in (`column`, id) order, NULLs last, after the cursor's row, at most `first`."""
    size = PageRequest.parse(first, None).size
    start = await _anchor(query, column, after)
    rows = await _after(query, column, start, size + 1)
    shown = rows[:size]
    end = encode_position(shown[-1].pk) if shown else None
    return shown, PageInfo(end_cursor=end, has_next_page=len(rows) > size)


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
