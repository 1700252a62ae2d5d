"""Cursor pagination shared by every list: opaque cursors, a maximum page size."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import strawberry

from directives.reasons import ReasonCode, refused

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 50


@strawberry.type
class PageInfo:
    end_cursor: str | None
    has_next_page: bool


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Validated `first` / `after` arguments: rows with id > after_id, at most `size`."""

    size: int
    after_id: int

    @classmethod
    def parse(cls, first: int | None, after: str | None) -> PageRequest:
        size = DEFAULT_PAGE_SIZE if first is None else first
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise refused(
                ReasonCode.INVALID_VALUE, f"first must be 1..{MAX_PAGE_SIZE}.", fields=["first"]
            )
        return cls(size=size, after_id=decode_cursor(after) if after else 0)


MAX_ROW_ID = 2**31 - 1  # ids are 32-bit integers on every backend
_ROW_ID = re.compile(r"[0-9]{1,10}")


def parse_row_id(value: str) -> int:
    """An id from the client: ASCII digits within the id range, else BAD_INPUT."""
    if not _ROW_ID.fullmatch(value) or int(value) > MAX_ROW_ID:
        raise refused(ReasonCode.INVALID_ID, "Invalid id.")
    return int(value)


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"c:{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "c":
            return parse_row_id(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise refused(ReasonCode.INVALID_CURSOR, "Invalid cursor.", fields=["after"])


def page_info(ids: list[int], size: int) -> tuple[list[int], PageInfo]:
    """Given up to size+1 fetched ids, the ids to return and the page info."""
    shown = ids[:size]
    return shown, PageInfo(
        end_cursor=encode_cursor(shown[-1]) if shown else None,
        has_next_page=len(ids) > size,
    )


Count = Callable[[], Awaitable[int]]


async def no_rows() -> int:
    return 0


@strawberry.type
class Counted:
    """A page whose `totalCount` runs its COUNT(*) only when the client selects it."""

    count: strawberry.Private[Count]

    @strawberry.field(description="Rows in your scope that match; counted only when asked.")
    async def total_count(self) -> int:
        return await self.count()
