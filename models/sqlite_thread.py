"""Several SQLite statements in one round trip to the database's thread, or none.

Tortoise's SQLite client is one aiosqlite connection whose own thread runs every statement;
each awaited statement is a hop there and back (~70 µs, 60 µs of it CPU, measured on a
two-core VM with `SELECT 1`). A write of several statements (a group commit's BEGIN, its
inserts and COMMIT) runs here as one function in that thread: one hop however many
statements, under the client's lock, errors translated as the client translates them.

A small transaction makes no hop at all (`commit_in_one_transaction`): at most
SMALL_WRITE_ROWS rows, on a WAL database whose write lock is free at that instant, it runs on
the event loop's own thread, as small reads do (models/sqlite_client.py). In the thread it
would hold the connection's lock just as long, and every statement of this process waits for
that lock meanwhile: the thread would spare only other requests' work that needs no database,
and the hop there and back costs more. Measured on the demo data against the code before,
interleaved (`scripts/http_bench.py --baseline-root`, dashboard, one worker): 307 → 316
requests per second at one client, 347 → 410 at eight, p99 at eight 33 → 28 ms.

The loop never waits there for another process's lock: the write lock is taken with `BEGIN
IMMEDIATE` under a busy timeout of 0, and if another process holds it the transaction goes to
the thread, where the connection's own busy timeout applies. Once the lock is held, a WAL
commit waits for nobody. What the loop does pay is the commit's own disk work: its fsync
(~0.3 ms here) and, about once in a hundred commits, the automatic checkpoint that copies the
log back into the database (2–4 ms measured), which stops the loop for that long.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError, OperationalError

from models.sqlite_client import SmallReadClient

R = TypeVar("R")
# Runs in the connection's thread with its sqlite3 connection: plain statements, no awaits.
SqliteWork = Callable[[sqlite3.Connection], R]

# The most rows a transaction may write on the event loop's thread (a few hundred microseconds
# of inserts at most; a group commit of many concurrent requests is larger and hops).
SMALL_WRITE_ROWS = 256

log = logging.getLogger("tortoise.db_client")  # where the client logs its statements


async def run_in_sqlite_thread(conn: BaseDBAsyncClient, work: SqliteWork[R]) -> R:
    """`work` on `conn`'s sqlite3 connection, in its thread (inside `conn`'s transaction if it
    is one). Raises Tortoise's IntegrityError / OperationalError as the client would."""
    async with conn.acquire_connection() as connection:
        with _translated():
            # aiosqlite runs queued functions in its thread; `_execute` is how its own methods
            # queue theirs (there is no public form of it).
            result: R = await connection._execute(work, connection._conn)
        return result


async def commit_in_one_transaction(
    conn: BaseDBAsyncClient, works: Sequence[SqliteWork[Any]], *, rows: int
) -> None:
    """BEGIN, each work in order, COMMIT (`in_one_transaction`), committed when this returns;
    `rows`: how many rows the works write. On the event loop's thread when small and the write
    lock is free now (the module's docstring), else in aiosqlite's thread."""
    async with conn.acquire_connection() as connection:
        raw: sqlite3.Connection = connection._conn
        here = isinstance(conn, SmallReadClient) and conn.wal and rows <= SMALL_WRITE_ROWS
        with _translated():
            if here and not raw.in_transaction and _begin_now(raw):
                _then_commit(raw, works)
                return
            await connection._execute(in_one_transaction(works), raw)


def in_one_transaction(works: Sequence[SqliteWork[Any]]) -> SqliteWork[None]:
    """BEGIN, each work in order, COMMIT; on any error ROLLBACK and re-raise (nothing kept)."""

    def run(raw: sqlite3.Connection) -> None:
        raw.execute("BEGIN")
        _then_commit(raw, works)

    return run


def _then_commit(raw: sqlite3.Connection, works: Sequence[SqliteWork[Any]]) -> None:
    try:
        for work in works:
            work(raw)
        raw.execute("COMMIT")
    except BaseException:
        if raw.in_transaction:  # a work or the COMMIT failed: nothing is kept
            raw.execute("ROLLBACK")
        log.debug("ROLLBACK")
        raise
    log.debug("COMMIT")


def _begin_now(raw: sqlite3.Connection) -> bool:
    """Takes the write lock if no other connection holds it, without waiting (True); False
    when another holds it."""
    (timeout,) = raw.execute("PRAGMA busy_timeout").fetchone()
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        raw.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY:  # or an extended BUSY_*
            return False
        raise
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    return True


@contextmanager
def _translated() -> Iterator[None]:
    """sqlite3's errors as Tortoise's client raises them."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        raise OperationalError(exc) from exc
    except sqlite3.IntegrityError as exc:
        raise IntegrityError(exc) from exc
