"""Several SQLite statements in one round trip to the database's thread.

Tortoise's SQLite client is one aiosqlite connection whose own thread runs every statement;
each awaited statement is a hop there and back (~70 µs, 60 µs of it CPU, measured on a
two-core VM with `SELECT 1`). A write of several statements (a group commit's BEGIN, its
inserts and COMMIT) runs here as one function in that thread: one hop however many
statements, under the client's lock, errors translated as the client translates them.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError, OperationalError

R = TypeVar("R")
# Runs in the connection's thread with its sqlite3 connection: plain statements, no awaits.
SqliteWork = Callable[[sqlite3.Connection], R]

log = logging.getLogger("tortoise.db_client")  # where the client logs its statements


async def run_in_sqlite_thread(conn: BaseDBAsyncClient, work: SqliteWork[R]) -> R:
    """`work` on `conn`'s sqlite3 connection, in its thread (inside `conn`'s transaction if it
    is one). Raises Tortoise's IntegrityError / OperationalError as the client would."""
    async with conn.acquire_connection() as connection:
        try:
            # aiosqlite runs queued functions in its thread; `_execute` is how its own methods
            # queue theirs (there is no public form of it).
            result: R = await connection._execute(work, connection._conn)
        except sqlite3.OperationalError as exc:
            raise OperationalError(exc) from exc
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(exc) from exc
        return result


def in_one_transaction(works: Sequence[SqliteWork[Any]]) -> SqliteWork[None]:
    """BEGIN, each work in order, COMMIT; on any error ROLLBACK and re-raise (nothing kept)."""

    def run(raw: sqlite3.Connection) -> None:
        raw.execute("BEGIN")
        try:
            for work in works:
                work(raw)
        except BaseException:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            log.debug("ROLLBACK")
            raise
        raw.execute("COMMIT")
        log.debug("COMMIT")

    return run
