"""Keyset pages of sorted lists: every row once, in (value, id) order with NULLs last, across
pages whose boundary falls inside a run of equal values; cursors hold only an id and are
refused when they name a row outside the query (scope, filters, consent)."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from tortoise.context import TortoiseContext

from directives.errors import PrivacyError
from models import Customer
from resolvers.sorted_paging import encode_position, fetch_sorted

NAMES = ["b", "a", "c", "a", "b", "a", "a", "c", "b"]
BIRTHS = [date(1980, 1, 1), None, date(1970, 5, 5), None, date(1980, 1, 1), date(1990, 1, 1)]


async def _seed() -> list[Customer]:
    return [
        await Customer.create(name=name, name_kana=name, birth_date=BIRTHS[n % len(BIRTHS)])
        for n, name in enumerate(NAMES)
    ]


async def _all_pages(column: str, size: int, query=None) -> list[int]:  # type: ignore[no-untyped-def]
    seen: list[int] = []
    after = None
    while True:
        rows, page = await fetch_sorted(query or Customer.all(), column, size, after)
        seen += [r.id for r in rows]
        if not page.has_next_page:
            return seen
        assert page.end_cursor is not None
        after = page.end_cursor


@pytest.mark.parametrize("size", [1, 2, 3, 4, 100])
@pytest.mark.parametrize("column", ["name", "name_kana", "birth_date", "id"])
async def test_every_row_once_in_order(db: TortoiseContext, column: str, size: int) -> None:
    rows = await _seed()

    def key(c: Customer) -> tuple[bool, object, int]:
        value = getattr(c, column)
        return (value is None, value if value is not None else 0, c.id)

    assert await _all_pages(column, size) == [c.id for c in sorted(rows, key=key)]


async def test_a_cursor_outside_the_query_is_refused(db: TortoiseContext) -> None:
    rows = await _seed()
    outside = next(r for r in rows if r.name == "c")
    query = Customer.filter(name__in=["a", "b"])
    with pytest.raises(PrivacyError) as refused:
        await fetch_sorted(query, "name", 2, encode_position(outside.id))
    assert refused.value.code.value == "BAD_INPUT"
    for cursor in (base64.urlsafe_b64encode(b"o:2").decode(), "not base64!", encode_position(0)):
        with pytest.raises(PrivacyError):
            await fetch_sorted(query, "name", 2, cursor)


async def test_the_cursor_holds_no_value(db: TortoiseContext) -> None:
    await _seed()
    _, page = await fetch_sorted(Customer.all(), "name", 2, None)
    assert page.end_cursor is not None
    decoded = base64.urlsafe_b64decode(page.end_cursor).decode()
    assert decoded.startswith("k:") and decoded[2:].isdigit()
