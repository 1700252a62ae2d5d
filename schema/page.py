"""Cursor pagination shared by every list: opaque cursors, a maximum page size."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry

from directives.reasons import ReasonCode, refused

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 50


@strawberry.type(
    description="Relay page info: cursors of the first and last edge, and "
    "whether more rows follow either way."
)
class PageInfo:
    end_cursor: str | None
    has_next_page: bool
    start_cursor: str | None = None
    has_previous_page: bool = False
    # One cursor per node, in order: the edges' cursors.
    cursors: strawberry.Private[tuple[str, ...]] = ()


def page_of(cursors: list[str], *, more: bool, backward: bool, moved: bool) -> PageInfo:
    """PageInfo for a page whose nodes have `cursors`. `more`: another row lies beyond the
    page in the direction of travel; `moved`: the client came from a cursor (so rows lie
    behind it, as the Relay spec allows a server to assume)."""
    return PageInfo(
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
        has_next_page=moved if backward else more,
        has_previous_page=more if backward else moved,
        cursors=tuple(cursors),
    )


EMPTY_PAGE = PageInfo(end_cursor=None, has_next_page=False)
N = TypeVar("N")


@strawberry.type(description="A node and the cursor to page from it (Relay).")
class Edge(Generic[N]):
    cursor: str
    node: N


@strawberry.type
class Connection(Generic[N]):
    """A Relay cursor connection (`edges { cursor node }`, `pageInfo`), plus `nodes` for
    clients that need no cursors."""

    nodes: list[N]
    page_info: PageInfo

    @strawberry.field(description="The nodes with their cursors.")
    def edges(self) -> list[Edge[N]]:
        return [
            Edge(cursor=cursor, node=node)
            for cursor, node in zip(self.page_info.cursors, self.nodes, strict=True)
        ]


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Validated paging arguments: forward (`first`, `after`: rows with id > after_id) or
    backward (`last`, `before`: rows with id < before_id, the last `size` of them)."""

    size: int
    after_id: int
    before_id: int | None = None
    backward: bool = False

    @classmethod
    def parse(
        cls,
        first: int | None,
        after: str | None,
        last: int | None = None,
        before: str | None = None,
    ) -> PageRequest:
        if last is not None or before is not None:
            if first is not None or after is not None:
                raise refused(
                    ReasonCode.INVALID_VALUE,
                    "Page forward (first/after) or back (last/before).",
                    fields=["first", "after", "last", "before"],
                )
            return cls(
                size=page_size(last, "last"),
                after_id=0,
                before_id=decode_cursor(before) if before else None,
                backward=True,
            )
        return cls(size=page_size(first, "first"), after_id=decode_cursor(after) if after else 0)


def page_size(value: int | None, name: str) -> int:
    size = DEFAULT_PAGE_SIZE if value is None else value
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise refused(
            ReasonCode.INVALID_VALUE, f"{name} must be 1..{MAX_PAGE_SIZE}.", fields=[name]
        )
    return size


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


def page_info(ids: list[int], page: PageRequest) -> tuple[list[int], PageInfo]:
    """Given up to size+1 ids fetched in the direction of travel, the ids to return (in
    ascending order) and the page info."""
    shown = ids[: page.size]
    if page.backward:
        shown.reverse()
    moved = page.before_id is not None if page.backward else page.after_id > 0
    info = page_of(
        [encode_cursor(i) for i in shown],
        more=len(ids) > page.size,
        backward=page.backward,
        moved=moved,
    )
    return shown, info


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
