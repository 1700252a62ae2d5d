"""Positions in the research view's list (built and sorted by pseudonym in memory):
opaque cursors holding an offset, never an id or a value. A node's cursor is the position
just after it: paging forward from it continues after the node, and paging back from it
(`before`) ends just before the node."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TypeVar

from directives.reasons import ReasonCode, refused
from schema.page import PageInfo, page_of, page_size

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
    raise refused(ReasonCode.INVALID_CURSOR, "Invalid cursor.", fields=["after"])


@dataclass(frozen=True, slots=True)
class Window:
    """Positions [start, stop) of a page, and what lies around it."""

    start: int
    stop: int
    backward: bool
    moved: bool  # came from a cursor

    def page_info(self, shown: int, more_after: bool) -> PageInfo:
        cursors = [encode_position(self.start + i + 1) for i in range(shown)]
        more = self.start > 0 if self.backward else more_after
        return page_of(cursors, more=more, backward=self.backward, moved=self.moved)


def window(
    first: int | None, after: str | None, last: int | None, before: str | None, count: int
) -> Window:
    """Forward: `first` rows after the `after` position. Backward: the `last` rows before
    `before` (or before the end: `count`)."""
    backward = last is not None or before is not None
    if backward and (first is not None or after is not None):
        raise refused(
            ReasonCode.INVALID_VALUE,
            "Page forward (first/after) or back (last/before).",
            fields=["first", "after", "last", "before"],
        )
    if not backward:
        start = decode_position(after)
        return Window(start, start + page_size(first, "first"), False, after is not None)
    end = max(0, decode_position(before) - 1) if before else count
    return Window(max(0, end - page_size(last, "last")), end, True, before is not None)


T = TypeVar("T")


def page_list(
    items: list[T], first: int | None, after: str | None, last: int | None, before: str | None
) -> tuple[list[T], PageInfo]:
    """A page of a list already in memory and in order, forward or backward."""
    span = window(first, after, last, before, len(items))
    rows = items[span.start : span.stop]
    return rows, span.page_info(len(rows), span.stop < len(items))
