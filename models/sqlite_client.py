"""Tortoise's SQLite client, with small reads run on the event loop's own thread.

aiosqlite runs every statement in its thread: the statement is queued, the thread wakes, runs
it, and wakes the event loop again. For a point lookup that round trip costs more than the
statement (~60 µs of CPU and more of waiting, measured in models/sqlite_thread.py), and a
dashboard request made two of them before its audit: the credential lookup and its page of
rows. Reads marked `small` run directly on the sqlite3 connection instead: measured on the
demo data (`scripts/http_bench.py`, interleaved with the code before), 10 % more dashboard
requests per second at one client and 18 % at eight, with 9–15 % less CPU per request.

Safe because Tortoise already serialises the connection: every statement of this client runs
under its lock (`acquire_connection`), and a transaction holds that lock from BEGIN to COMMIT,
so a read run here never overlaps work in aiosqlite's thread, which is idle once the future of
its last work is resolved. Inside a transaction (Tortoise's own wrapper class), reads go
through the thread as before.

What is small is said where the query is built: a read whose rows are bounded by a unique key
or a page limit (`small_read`). Anything larger keeps the thread, so a long statement never
holds up the event loop. A bound on rows is not a bound on work, though: SQLite may walk a
table or sort every match to find a page's few rows (it did for five lists whose PostgreSQL
plans are index ranges). So the plan is checked too, once per statement text (EXPLAIN QUERY
PLAN): only a statement that finds its rows through indexes alone (`SEARCH`, no `SCAN` of a
table, no temporary B-tree) runs here; any other keeps the thread. (A read here can still wait
on SQLite's busy handler, as in the thread; in WAL mode readers do not wait for writers, so
that is only while another process recovers the WAL index.)
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

import aiosqlite
from tortoise.backends.sqlite.client import SqliteClient, translate_exceptions

# The most rows a read may be expected to return and still run on the event loop's thread.
SMALL_READ_ROWS = 100

_SMALL: ContextVar[bool] = ContextVar("crm_sqlite_small_read", default=False)


@contextmanager
def small_read(rows: int = 1) -> Iterator[None]:
    """Reads inside run on the event loop's thread if at most SMALL_READ_ROWS `rows` are
    expected (a bound the caller's query enforces: a unique key, a LIMIT)."""
    token = _SMALL.set(rows <= SMALL_READ_ROWS)
    try:
        yield
    finally:
        _SMALL.reset(token)


class SmallReadClient(SqliteClient):
    def __init__(self, file_path: str, **kwargs: Any) -> None:
        super().__init__(file_path, **kwargs)
        self._plans = PlanVerdicts()
        self.wal = False  # the journal is a write-ahead log (models.sqlite_thread's small writes)

    async def create_connection(self, with_db: bool) -> None:
        """Tortoise's own, but for `check_same_thread=False`: the connection is used from the
        event loop's thread too (never at the same time: see the module's docstring)."""
        if self._connection:
            return
        self._connection = await aiosqlite.connect(
            self.filename, isolation_level=None, check_same_thread=False
        )
        self._connection._conn.row_factory = sqlite3.Row
        for pragma, value in self.pragmas.items():
            cursor = await self._connection.execute(f"PRAGMA {pragma}={value}")
            await cursor.close()
        async with self._connection.execute("PRAGMA journal_mode") as cursor:
            mode = await cursor.fetchone()
        self.wal = mode is not None and str(mode[0]).lower() == "wal"
        await self._post_connect()

    @translate_exceptions
    async def execute_query(
        self, query: str, values: list[Any] | None = None
    ) -> tuple[int, Sequence[dict[str, Any]]]:
        rows = await self._read_here(query, values) if _here(query) else None
        if rows is None:
            result: tuple[int, Sequence[dict[str, Any]]] = await super().execute_query(
                query, values
            )
            return result
        # sqlite3.Row, as Tortoise's own client returns; a SELECT counts its rows there too.
        return len(rows), cast("list[dict[str, Any]]", rows)

    @translate_exceptions
    async def execute_query_dict(
        self, query: str, values: list[Any] | None = None
    ) -> list[dict[str, Any]]:
        rows = await self._read_here(query, values) if _here(query) else None
        if rows is None:
            found: list[dict[str, Any]] = await super().execute_query_dict(query, values)
            return found
        return [dict(row) for row in rows]

    async def _read_here(self, query: str, values: list[Any] | None) -> list[sqlite3.Row] | None:
        """The rows, read on this thread; None if the statement's plan is not index reads
        alone (then it goes to aiosqlite's thread)."""
        query = query.replace("\x00", "'||CHAR(0)||'")  # as Tortoise's own client does
        async with self.acquire_connection() as connection:
            raw = connection._conn
            if not self._plans.index_only(raw, query, values or []):
                return None
            self.log.debug("%s: %s", query, values)  # Tortoise's statement log, as its own
            rows: list[sqlite3.Row] = raw.execute(query, values or []).fetchall()
            return rows


class PlanVerdicts:
    """Whether a statement finds its rows through indexes alone, per statement text (its plan
    does not change with the values bound), the most recent PLAN_ENTRIES kept."""

    def __init__(self) -> None:
        self._verdicts: OrderedDict[str, bool] = OrderedDict()

    def index_only(self, raw: sqlite3.Connection, query: str, values: list[Any]) -> bool:
        verdict = self._verdicts.get(query)
        if verdict is None:
            plan = raw.execute(f"EXPLAIN QUERY PLAN {query}", values).fetchall()
            verdict = index_reads_only([str(row[3]) for row in plan])
            self._verdicts[query] = verdict
            if len(self._verdicts) > PLAN_ENTRIES:
                self._verdicts.popitem(last=False)
        else:
            self._verdicts.move_to_end(query)
        return verdict


PLAN_ENTRIES = 512


def index_reads_only(details: list[str]) -> bool:
    """No table scanned, no temporary B-tree (a sort or DISTINCT over every match): only index
    searches, and scans of the statement's own subqueries (`CO-ROUTINE x`, `MATERIALIZE x`),
    which hold what the searches found."""
    own = {line.split()[1] for line in details if line.startswith(("CO-ROUTINE ", "MATERIALIZE "))}
    for line in details:
        if "TEMP B-TREE" in line:
            return False
        if line.startswith("SCAN ") and line.split()[1] not in own | {"CONSTANT"}:
            return False
    return True


def _here(query: str) -> bool:
    """Marked small, and a SELECT (anything that writes keeps aiosqlite's thread)."""
    return _SMALL.get() and query.lstrip()[:7].upper() == "SELECT "


client_class = SmallReadClient
