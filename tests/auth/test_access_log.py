"""The access log's prepared insert writes exactly the row the model's own save writes, and
its guards (columns, lengths) still hold."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.exceptions import ValidationError
from tortoise.transactions import in_transaction

from auth.access_log import AccessRow, insert_row
from models import AccessLogEntry

ROWS = [
    AccessRow(
        at=datetime(2026, 12, 2, 6, 45, 1, 123456, tzinfo=UTC), host_name=None,
        client_address="203.0.113.7", browser="curl", os="Other", method="POST",
        path="/graphql", status=200, duration_ms=12.34,
    ),
    AccessRow(
        at=datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC), host_name="client.example",
        client_address="2001:db8::1", browser="Firefox", os="Linux", method="GET",
        path="(other)", status=404, duration_ms=0.5,
    ),
]  # fmt: skip


async def _stored() -> list[dict[str, Any]]:
    rows = await get_connection("default").execute_query_dict(
        'SELECT * FROM "access_log" ORDER BY "id"'
    )
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


@pytest.mark.parametrize("row", ROWS)
async def test_the_prepared_insert_stores_what_the_model_would(
    db: TortoiseContext, row: AccessRow
) -> None:
    await AccessLogEntry(**dataclasses.asdict(row)).save()
    async with in_transaction() as conn:
        await insert_row(conn, row)
    by_model, prepared = await _stored()
    assert prepared == by_model
    read = await AccessLogEntry.all().order_by("-id").first()
    assert read is not None
    assert {f: getattr(read, f) for f in dataclasses.asdict(row)} == dataclasses.asdict(row)


async def test_an_overlong_value_is_refused_not_written(db: TortoiseContext) -> None:
    too_long = dataclasses.replace(ROWS[0], host_name="h" * 256)
    with pytest.raises(ValidationError):
        async with in_transaction() as conn:
            await insert_row(conn, too_long)
    assert await AccessLogEntry.all().count() == 0
