"""The research population's version (P5.F), read from the database so that every worker on
every host sees the same: `max(id)` of `research_change`, which triggers append to whenever
what the population reads changes (migration 0026). One index-only read per request.

On PostgreSQL ids are taken in one order and committed in another: a reader may see id 11
while 10 is still to commit, and 10 would never raise the maximum. So a version read for a
computation also keeps the transactions then in progress; while any is pending, a later
request asks whether it has finished and, if so, whether it left a change row. A snapshot
lists (its xip) only those older than the newest transaction finished (its xmax): a newer one
still running, which may hold id 10 as well, is not named anywhere. So the read also takes an
xid of its own, after the snapshot, and keeps the range from the snapshot's xmax up to it
(`unseen`): every transaction in progress at the read and not listed has an xid in it. The
next request's snapshot reaches past that xid (the read's transaction finished at once), so
it lists those of the range still running, which are then pending like the others, and sees
the change rows of those finished. SQLite commits one writer at a time, in id order: nothing
is ever pending there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

_LATEST = "SELECT coalesce(max(id), 0) FROM research_change"
# One statement, one snapshot: the maximum it sees, the transactions it lists as in progress,
# its xmax, and then an xid for this read (assigned after the snapshot was taken, so above
# every xid a transaction then in progress holds; the read's own transaction commits at once).
_PG_READ = (
    "SELECT (SELECT coalesce(max(id), 0) FROM research_change), "
    "ARRAY(SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) AS x), "
    "pg_snapshot_xmax(pg_current_snapshot())::text, pg_current_xact_id()::text"
)
_PG_RUNNING = "SELECT x FROM unnest($1::text[]) AS x WHERE pg_xact_status(x::xid8) = 'in progress'"
_PG_WROTE = "SELECT EXISTS (SELECT 1 FROM research_change WHERE xid = ANY($1::text[]::xid8[]))"
# Of an `unseen` range [from, to), in one snapshot: whether the snapshot reaches past it (a
# transaction at or above `to` has finished: the read's own did at once), the range's xids it
# lists as still in progress, and whether a finished one left a change row (it sees those).
_PG_UNSEEN = (
    "SELECT pg_snapshot_xmax(pg_current_snapshot()) > $2::text::xid8, "
    "ARRAY(SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) AS x "
    "WHERE x >= $1::text::xid8 AND x < $2::text::xid8), "
    "EXISTS (SELECT 1 FROM research_change WHERE xid >= $1::text::xid8 AND xid < $2::text::xid8)"
)
_BELOW = "DELETE FROM research_change WHERE id < {}"
_NEWEST = "SELECT id FROM research_change ORDER BY id DESC LIMIT 1 OFFSET {}"  # a backward walk
_CUT = {  # a compaction's row (migration 0028): the rows numbered below `cut` are deleted
    "postgres": "INSERT INTO research_change (cut) VALUES ($1)",
    "sqlite": "INSERT INTO research_change (cut) VALUES (?)",
}
# Rows a compaction keeps: the latest, far more than a reader that can patch is behind
# (snapshot.MOST_PATCHED customers); a reader held below them counts everyone again. Counted
# in rows, not ids: a transaction's conflicting inserts (one row per customer) use up ids.
KEPT_CHANGES = 100_000
# Whose rows changed since a version was read (migration 0027): rows numbered above it, and on
# PostgreSQL rows of the transactions then pending (they may be numbered below). A customer
# NULL: anyone; a compaction's row: its cut (0028).
_SINCE = {
    "postgres": "SELECT DISTINCT customer_id, cut FROM research_change "
    "WHERE id > $1 OR xid = ANY($2::text[]::xid8[]) "
    "OR (xid >= $3::text::xid8 AND xid < $4::text::xid8) LIMIT $5",
    "sqlite": "SELECT DISTINCT customer_id, cut FROM research_change WHERE id > ? LIMIT ?",
}


@dataclass(frozen=True, slots=True)
class Version:
    number: int
    pending: tuple[str, ...] = ()  # transactions that may still add a row numbered below
    # [from, to) as xids: transactions in progress at the read that its snapshot did not list
    # are in this range (the module's docstring); None once a later snapshot listed them.
    unseen: tuple[str, str] | None = None


def _postgres() -> bool:
    return get_connection("default").capabilities.dialect == "postgres"


async def _rows(sql: str, values: list[object] | None = None) -> list[tuple[Any, ...]]:
    _, rows = await get_connection("default").execute_query(sql, values)
    return [tuple(row) for row in rows]


async def latest() -> int:
    return int((await _rows(_LATEST))[0][0])


async def read() -> Version:
    """The version to compute under: read before the population, so that the population is
    at least as new as the version it is kept under. Outside a transaction (research reads
    are queries): in one that already held an xid, the xid it takes would be that older one."""
    if not _postgres():
        return Version(await latest())
    number, running, xmax, own = (await _rows(_PG_READ))[0]
    return Version(int(number), tuple(running), (str(xmax), str(own)))


async def still(version: Version) -> Version | None:
    """`version` if the population has not changed since it was read (with fewer pending
    transactions, once some have finished without a change), else None."""
    if await latest() != version.number:
        return None
    if not version.pending and version.unseen is None:
        return version
    running: tuple[str, ...] = ()
    if version.pending:
        # Which are still running first, then whether the finished ones wrote: a transaction
        # that commits in between is then seen by the second statement.
        running = tuple(str(r[0]) for r in await _rows(_PG_RUNNING, [list(version.pending)]))
        finished = [x for x in version.pending if x not in running]
        if finished and (await _rows(_PG_WROTE, [finished]))[0][0]:
            return None
    unseen = version.unseen
    if unseen is not None:
        past, listed, wrote = (await _rows(_PG_UNSEEN, list(unseen)))[0]
        if wrote:
            return None
        if past:  # the range's transactions still running are listed now: pending as others
            running, unseen = running + tuple(listed), None
    return Version(version.number, running, unseen)


async def changed_since(held: Version, most: int) -> frozenset[int] | None:
    """The customers whose research rows may differ from what they were when `held` was read
    (at least those: a change committed since is included too), or None when that is not
    known (a TRUNCATE, an option's fee, a compaction that may have deleted rows `held` needs)
    or more than `most` changed. Read after the new version and before the population, as
    `read` is.

    A compaction since deleted rows numbered below its cut: none that `held` needs when the
    cut is at most one above it and no transaction was pending when it was read, listed or
    unseen (a pending one may have numbered its row below the version, and committed before
    the delete)."""
    dialect = get_connection("default").capabilities.dialect
    values: list[object] = [held.number, most + 1]
    if dialect == "postgres":
        unseen = held.unseen or ("0", "0")  # an empty range
        values[1:1] = [list(held.pending), *unseen]
    rows = await _rows(_SINCE[dialect], values)
    if len(rows) > most:
        return None
    whose = set()
    for customer, cut in rows:
        if cut is not None:
            if held.pending or held.unseen or int(cut) > held.number + 1:
                return None
        elif customer is None:
            return None
        else:
            whose.add(int(customer))
    return frozenset(whose)


async def compact() -> int:
    """research_change cut back to its latest KEPT_CHANGES rows (the retention purge's run calls
    this), in one transaction of its own: the rows numbered below the cut deleted, and, if
    any was, a row recording the cut (a new version); the number deleted.

    A reader holding a version at or above the cut goes on patching (`changed_since`); one
    holding an older version, or one that saw transactions pending, counts everyone again,
    once. A transaction still in progress keeps its row (not visible to the delete), so a
    reader that saw it pending still finds it."""
    conn = get_connection("default")
    async with in_transaction() as transaction:
        _, rows = await transaction.execute_query(_NEWEST.format(int(KEPT_CHANGES) - 1))
        if not rows:
            return 0  # no more rows than are kept
        cut = int(next(iter(rows[0])))
        deleted, _ = await transaction.execute_query(_BELOW.format(cut))
        if deleted:
            await transaction.execute_query(_CUT[conn.capabilities.dialect], [cut])
    return int(deleted)
