"""Database configuration and schema migrations (Tortoise's own migration tool)."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tortoise.backends.base.config_generator import expand_db_url
from tortoise.connection import get_connection
from tortoise.migrations.executor import MigrationExecutor

APP = "models"


# SQLite settings every connection gets, whatever the URL says: each commit reaches the disk
# before it returns (an answer waits for its audit to be durable: WAL mode alone syncs only at
# checkpoints), and SQLite's temporary files stay in memory. Those files (statement journals
# of multi-row writes, sorts and indexes built for a query) hold page images and rows:
# personal values. On disk they would be written outside the private data directory, to
# /var/tmp, and every audited request's multi-row insert spilled one there.
SQLITE_FORCED = {"synchronous": "FULL", "temp_store": "MEMORY"}
# Unless the URL says otherwise: the WAL file is kept at up to 64 MiB after a checkpoint
# rather than cut back to Tortoise's 16 KiB, so commits reuse its blocks instead of growing
# the file again (measured: ~4 % more dashboard requests per second at one client).
SQLITE_DEFAULTS = {"journal_size_limit": 64 * 1024 * 1024}


async def keep_session(connection: object) -> None:
    """asyncpg's pool `reset`: nothing to send. By default the pool sends `SELECT
    pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` each time a connection goes
    back, a round trip awaited after every statement Tortoise runs outside a transaction (three
    extra per dashboard request). An open transaction is still rolled back (asyncpg does that
    before calling this). Code on pooled connections leaves no session state behind (no SET
    without LOCAL, session advisory locks, LISTEN or held cursors): tests/models/test_db.py
    reads the source for them."""


def connection_config(db_url: str) -> str | dict[str, Any]:
    """The URL as Tortoise's connection config: SQLite's settings added, PostgreSQL's pool
    returning connections without a reset round trip (models/db.py)."""
    if db_url.startswith(("postgres://", "asyncpg://")):
        connection = expand_db_url(db_url)
        connection["credentials"]["reset"] = keep_session
        return connection
    if not db_url.startswith("sqlite://"):
        return db_url
    connection = expand_db_url(db_url)
    connection["engine"] = "models.sqlite_client"  # Tortoise's client, small reads in place
    credentials = connection["credentials"]
    if "journal_size_limit" not in parse_qs(urlsplit(db_url).query):
        credentials.update(SQLITE_DEFAULTS)
    credentials.update(SQLITE_FORCED)
    return connection


def tortoise_config(db_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": connection_config(db_url)},
        "apps": {
            APP: {
                "models": ["models"],
                "migrations": "models.migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For the `tortoise` command line only; the server builds its own config. DATABASE_URL, when
# set, is the database it works on (`tortoise -c models.db.TORTOISE_ORM migrate`).
TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL") or "sqlite://:memory:")


def _executor() -> MigrationExecutor:
    return MigrationExecutor(get_connection("default"), tortoise_config("")["apps"])


async def apply_migrations() -> None:
    """Apply pending migrations on the already initialised default connection."""
    await _executor().migrate()


async def pending_migrations() -> list[str]:
    """Names of migrations not yet applied (all of them on an empty database)."""
    return [step.migration.name for step in await _executor().plan() if not step.backward]
