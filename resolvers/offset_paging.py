"""Pages of lists sorted by something other than the id: opaque position cursors.

The cursor encodes a position, never a sort value, so it carries no personal value. A node's
cursor is the position just after it: paging forward from it continues after the node, and
paging back from it (`before`) ends just before the node.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from directives.errors import ErrorCode, PrivacyError
from schema.page import PageInfo, page_of, page_size

M = TypeVar("M", bound=Model)
_MAX_OFFSET = 10**7


def encode_position(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode_position(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "o" and value.isascii() and value.isdigit() and int(value) <= _MAX_OFFSET:
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise PrivacyError(ErrorCode.BAD_INPUT, "Invalid cursor.")


@dataclass(frozen=True, slots=True)
class Window:
    """Positions [start, stop) of a page, and what lies around it."""

    start: int
    stop: int
    backward: bool
    moved: bool  # came from a cursor

    def page_info(self, shown: int, total_known_more: bool) -> PageInfo:
        cursors = [encode_position(self.start + i + 1) for i in range(shown)]
        more = self.start > 0 if self.backward else total_known_more
        return page_of(cursors, more=more, backward=self.backward, moved=self.moved)


def window(
    first: int | None, after: str | None, last: int | None, before: str | None, count: int | None
) -> Window:
    """Forward: `first` rows after the `after` position (one more is fetched, to tell whether
    more follow). Backward: the `last` rows before `before` (or before the end: `count`)."""
    backward = last is not None or before is not None
    if backward and (first is not None or after is not None):
        raise PrivacyError(ErrorCode.BAD_INPUT, "Page forward (first/after) or back (last/before).")
    if not backward:
        start = decode_position(after)
        return Window(start, start + page_size(first, "first"), False, after is not None)
    end = max(0, decode_position(before) - 1) if before else (count or 0)
    return Window(max(0, end - page_size(last, "last")), end, True, before is not None)


async def fetch_sorted(
    query: QuerySet[M],
    order: tuple[str, ...],
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> tuple[list[M], PageInfo]:
    """Rows in `order` (the id breaks ties), a page of them forward or backward."""
    needs_count = before is None and last is not None
    span = window(first, after, last, before, await query.count() if needs_count else None)
    fetched = (
        await query.order_by(*order, "id")
        .offset(span.start)
        .limit(span.stop - span.start + (0 if span.backward else 1))
    )
    rows = fetched[: span.stop - span.start]
    return rows, span.page_info(len(rows), len(fetched) > len(rows))


T = TypeVar("T")


def page_list(
    items: list[T], first: int | None, after: str | None, last: int | None, before: str | None
) -> tuple[list[T], PageInfo]:
    """The same paging over a list already in memory and in order."""
    span = window(first, after, last, before, len(items))
    rows = items[span.start : span.stop]
    return rows, span.page_info(len(rows), span.stop < len(items))
