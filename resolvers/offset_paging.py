"""Pages of lists sorted by something other than the id: opaque position cursors.

The cursor encodes a position, never a sort value, so it carries no personal value.
"""

from __future__ import annotations

import base64
import binascii
from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from directives.errors import ErrorCode, PrivacyError
from schema.page import PageInfo, PageRequest

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


async def fetch_sorted(
    query: QuerySet[M], order: tuple[str, ...], first: int | None, after: str | None
) -> tuple[list[M], PageInfo]:
    """Rows in `order` (the id breaks ties), from the cursor's position, at most `first`."""
    size = PageRequest.parse(first, None).size
    offset = decode_position(after)
    rows = await query.order_by(*order, "id").offset(offset).limit(size + 1)
    shown = rows[:size]
    end = encode_position(offset + len(shown)) if shown else None
    return shown, PageInfo(end_cursor=end, has_next_page=len(rows) > size)
