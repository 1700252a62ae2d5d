"""Dates and times read back exactly as written, time-zone aware in UTC, on SQLite (where
Tortoise parses the stored text, with ciso8601) and PostgreSQL (where asyncpg returns them)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import ciso8601
import pytest
from tortoise.context import TortoiseContext
from tortoise.fields import data

from models import Customer

WRITTEN = [
    datetime(2026, 12, 2, 6, 38, 33, 477588, tzinfo=UTC),
    datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC),  # no fraction: stored without one
    datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
    # Another offset is stored as that instant and read back in UTC.
    datetime(2026, 6, 1, 9, 0, 0, 5, tzinfo=timezone(timedelta(hours=9))),
]


def test_tortoise_parses_stored_datetimes_with_ciso8601() -> None:
    # The SQLite read path: ~70x faster than the pure-Python fallback (iso8601) it replaces.
    assert getattr(data, "parse_datetime") is ciso8601.parse_datetime  # noqa: B009 (not exported)


@pytest.mark.parametrize("written", WRITTEN)
async def test_datetimes_read_back_identical_and_utc(
    db: TortoiseContext, written: datetime
) -> None:
    customer = await Customer.create(name="x", birth_date=date(1984, 2, 29), anonymised_at=written)
    read = await Customer.get(id=customer.id)
    assert read.anonymised_at == written
    assert read.anonymised_at is not None and read.anonymised_at.utcoffset() == timedelta(0)
    assert read.anonymised_at.tzinfo is not None
    assert read.anonymised_at.astimezone(UTC).timetuple() == written.astimezone(UTC).timetuple()
    assert read.birth_date == date(1984, 2, 29) and type(read.birth_date) is date
    assert read.created_at.utcoffset() == timedelta(0)
    assert read.created_at == customer.created_at  # auto_now_add, as returned by create


async def test_null_datetime_and_date_read_back_none(db: TortoiseContext) -> None:
    customer = await Customer.create(name="y")
    read = await Customer.get(id=customer.id)
    assert read.anonymised_at is None and read.birth_date is None
