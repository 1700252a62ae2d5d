"""The research population's version (P5.F), read from the database so that every worker on
every host sees the same: `max(id)` of `research_change`, which triggers append to whenever
what the population reads changes (migration 0026). One index-only read per request.

On PostgreSQL ids are taken in one order and committed in another: a reader may see id 11
while 10 is still to commit, and 10 would never raise the maximum. So a version read for a
computation also keeps the transactions then in progress (the snapshot's xip); while any is
pending, a later request asks whether it has finished and, if so, whether it left a change
row. SQLite commits one writer at a time, in id order: nothing is ever pending there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

_LATEST = "SELECT coalesce(max(id), 0) FROM research_change"
_PG_READ = (
    "SELECT (SELECT coalesce(max(id), 0) FROM research_change), "
    "ARRAY(SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) AS x)"
)
_PG_RUNNING = "SELECT x FROM unnest($1::text[]) AS x WHERE pg_xact_status(x::xid8) = 'in progress'"
_PG_WROTE = "SELECT EXISTS (SELECT 1 FROM research_change WHERE xid = ANY($1::text[]::xid8[]))"
_BUMP = {  # PostgreSQL's as a SELECT: Tortoise returns no rows for a statement opening INSERT
    "postgres": "WITH bumped AS (INSERT INTO research_change DEFAULT VALUES RETURNING id) "
    "SELECT id FROM bumped",
    "sqlite": "INSERT INTO research_change (id) VALUES (NULL) RETURNING id",
}
_BELOW = "DELETE FROM research_change WHERE id < {}"
# Whose rows changed since a version was read (migration 0027): rows numbered above it, and on
# PostgreSQL rows of the transactions then pending (they may be numbered below). NULL: anyone.
_SINCE = {
    "postgres": "SELECT DISTINCT customer_id FROM research_change "
    "WHERE id > $1 OR xid = ANY($2::text[]::xid8[]) LIMIT $3",
    "sqlite": "SELECT DISTINCT customer_id FROM research_change WHERE id > ? LIMIT ?",
}


@dataclass(frozen=True, slots=True)
class Version:
    number: int
    pending: tuple[str, ...] = ()  # transactions that may still add a row numbered below


def _postgres() -> bool:
    return get_connection("default").capabilities.dialect == "postgres"


async def _rows(sql: str, values: list[object] | None = None) -> list[tuple[Any, ...]]:
    _, rows = await get_connection("default").execute_query(sql, values)
    return [tuple(row) for row in rows]


async def latest() -> int:
    return int((await _rows(_LATEST))[0][0])


async def read() -> Version:
    """The version to compute under: read before the population, so that the population is
    at least as new as the version it is kept under."""
    if not _postgres():
        return Version(await latest())
    number, running = (await _rows(_PG_READ))[0]
    return Version(int(number), tuple(running))


async def still(version: Version) -> Version | None:
    """`version` if the population has not changed since it was read (with fewer pending
    transactions, once some have finished without a change), else None."""
    if await latest() != version.number:
        return None
    if not version.pending:
        return version
    # Which are still running first, then whether the finished ones wrote: a transaction
    # that commits in between is then seen by the second statement.
    running = tuple(str(r[0]) for r in await _rows(_PG_RUNNING, [list(version.pending)]))
    finished = [x for x in version.pending if x not in running]
    if finished and (await _rows(_PG_WROTE, [finished]))[0][0]:
        return None
    return Version(version.number, running)


async def changed_since(held: Version, most: int) -> frozenset[int] | None:
    """The customers whose research rows may differ from what they were when `held` was read
    (at least those: a change committed since is included too), or None when that is not
    known (a TRUNCATE, an option's fee, the compaction's row) or more than `most` changed.
    Read after the new version and before the population, as `read` is."""
    dialect = get_connection("default").capabilities.dialect
    values: list[object] = [held.number, most + 1]
    if dialect == "postgres":
        values.insert(1, list(held.pending))
    whose = [row[0] for row in await _rows(_SINCE[dialect], values)]
    if len(whose) > most or None in whose:
        return None
    return frozenset(int(w) for w in whose)


async def compact() -> int:
    """research_change cut back to one row (the retention purge's run calls this): a new
    version row, then every row below it deleted, in one transaction of its own (on
    PostgreSQL a transaction holds at most one NULL row: migration 0027); the number deleted.

    The new row comes first so that nothing is missed: a reader holding an older version
    (with, on PostgreSQL, transactions pending whose rows this deletes) sees the maximum move
    and computes again, once. A transaction still in progress keeps its row (not visible to
    the delete), so a reader that saw it pending still finds it."""
    conn = get_connection("default")
    async with in_transaction() as transaction:
        _, rows = await transaction.execute_query(_BUMP[conn.capabilities.dialect])
        newest = int(dict(rows[0])["id"])
        deleted, _ = await transaction.execute_query(_BELOW.format(newest))
    return int(deleted)
