"""Migration 0023: the (at, id) indexes of the event lists, built without blocking writers on
PostgreSQL (CONCURRENTLY), reversible, and rebuilt when an earlier build was interrupted."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext

from models import AccessLogEntry
from tests.conftest import PG_URL

MIGRATION: Any = importlib.import_module("models.migrations.0023_event_time_order")


async def _indexes() -> dict[str, str]:
    """Index name → its definition, on the tables the migration touches."""
    client = get_connection("default")
    tables = ("security_event", "access_log", "audit_request")
    if client.capabilities.dialect == "postgres":
        rows = await client.execute_query_dict(
            "SELECT i.indexname AS name, i.indexdef AS sql FROM pg_indexes i "
            "WHERE i.tablename = ANY($1)",
            [list(tables)],
        )
    else:
        rows = await client.execute_query_dict(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN (?, ?, ?)",
            list(tables),
        )
    return {str(row["name"]): str(row["sql"]) for row in rows}


def _editor() -> Any:
    return SimpleNamespace(client=get_connection("default"))


async def test_the_new_indexes_replace_the_old_both_ways(db: TortoiseContext) -> None:
    present = await _indexes()
    assert set(MIGRATION.NEW) <= set(present)
    assert not set(MIGRATION.OLD) & set(present)
    await MIGRATION.backward(None, _editor())
    reverted = await _indexes()
    assert set(MIGRATION.OLD) <= set(reverted)
    assert not set(MIGRATION.NEW) & set(reverted)
    await MIGRATION.forward(None, _editor())
    assert await _indexes() == present


@pytest.mark.skipif(PG_URL is None, reason="CONCURRENTLY and invalid indexes are PostgreSQL's")
async def test_an_interrupted_concurrent_build_is_built_again(db: TortoiseContext) -> None:
    client: Any = get_connection("default")
    await client.execute_script('DROP INDEX "access_log_at_id"')
    for _ in range(2):
        await AccessLogEntry.create(
            at="2026-12-01T00:00:00+00:00", browser="b", os="o", method="GET", path="/",
            status=200, duration_ms=1.0,
        )  # fmt: skip
    # A concurrent build that fails half-way (here: a unique index over duplicates) leaves an
    # INVALID index under the name, which IF NOT EXISTS alone would keep.
    with pytest.raises(Exception, match=r"duplicate|unique"):
        await client.execute_script(
            'CREATE UNIQUE INDEX CONCURRENTLY "access_log_at_id" ON "access_log" ("path")'
        )
    valid = "SELECT i.indisvalid AS ok FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
    valid += "WHERE c.relname = 'access_log_at_id'"
    assert (await client.execute_query_dict(valid))[0]["ok"] is False
    await MIGRATION.forward(None, _editor())
    assert (await client.execute_query_dict(valid))[0]["ok"] is True
    assert (await _indexes())["access_log_at_id"].endswith("(at, id)")
