"""One process at a time through startup (migrations, first-run seeding), whoever comes first.

Several workers or hosts may start together on an empty database: without this they would all
create the same tables and all but one die. PostgreSQL: a session-level advisory lock held on
its own connection. SQLite: an exclusive `flock` on a file beside the database (one host).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

# Any fixed 64-bit key; it only has to be the same in every process of this application.
ADVISORY_KEY = 0x43524D5F4D494752  # "CRM_MIGR"
POLL_SECONDS = 0.2


@asynccontextmanager
async def startup_lock(database_url: str, lock_dir: Path) -> AsyncIterator[None]:
    if database_url.startswith(("postgres://", "postgresql://")):
        async with _advisory_lock(database_url):
            yield
        return
    async with _file_lock(lock_dir / "startup.lock"):
        yield


@asynccontextmanager
async def _advisory_lock(database_url: str) -> AsyncIterator[None]:
    parts = urlsplit(database_url)
    url = urlunsplit(parts._replace(scheme="postgresql", query=""))
    connection = await asyncpg.connect(url)
    try:
        # Polled, not `pg_advisory_lock`: a statement waiting for the lock would hold its
        # snapshot all along, and a migration building an index CONCURRENTLY (0023) in the
        # process that holds the lock waits for every older snapshot: both would wait forever.
        while not await connection.fetchval("SELECT pg_try_advisory_lock($1)", ADVISORY_KEY):  # noqa: ASYNC110 - another process holds it
            await asyncio.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            await connection.execute("SELECT pg_advisory_unlock($1)", ADVISORY_KEY)
    finally:
        await connection.close()


@asynccontextmanager
async def _file_lock(path: Path) -> AsyncIterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        # Blocking wait off the event loop; the lock ends with the descriptor.
        await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
