"""The sequencer: the one writer of the audit log's tree, off the request path.

Each run appends committed-but-unsequenced audit requests to `audit_log` in the order it finds
them (gapless numbers 0, 1, 2, ...), extends the tree's frontier by O(log n) per leaf, stores the
subtrees each leaf closes, and signs a checkpoint per batch. One writer at a time: a file lock
per host, and on PostgreSQL an advisory lock held by each batch's transaction, so several
workers and hosts never number the same record twice nor skip a number. Before signing it
checks that the stored tree still extends the last checkpoints it signed (in the database and
in the data directory): it never signs a fork of a truncated or rebuilt log.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from directives.checkpoint import (
    Checkpoint,
    CheckpointError,
    SigningKey,
    VerifierKey,
    open_checkpoint,
)
from directives.merkle import Frontier, needed_nodes, range_hash
from tlog import store
from tlog.files import JournalLine, LogFiles

log = logging.getLogger("crm.audit_log")

ADVISORY_LOCK = 0x63726D_61756469  # "crmaudi": one key for the whole deployment
# Where a run looks for unsequenced records, by their `at` (set just before the audit write's
# transaction): each run RECENT before the previous run; once every WIDE_EVERY, GRACE back (a
# write committing that late); the first run of each process, the whole table. So a run's cost
# follows the records of the last seconds, not the size of the log.
RECENT = timedelta(seconds=30)
GRACE = timedelta(minutes=10)
WIDE_EVERY = timedelta(minutes=1)
BATCH = 500  # requests per transaction, and so per checkpoint
ENTRY_BUDGET = 20_000  # audit entries hashed per transaction (a transaction blocks SQLite)
JOURNAL_CHUNK = 5_000
NOTHING_YET = 2**62  # no record in the window: no id to look at


class ForkRefused(RuntimeError):
    """The stored tree no longer extends a checkpoint already signed: tampering, or a restore
    from an old backup. Nothing is sequenced or signed until someone runs verify-audit."""


@dataclass(frozen=True, slots=True)
class _Batch:
    """What one transaction did: the journal lines of the leaves it added (in order), the
    tree size it left, the latest signed checkpoint after it, and whether more may wait."""

    lines: list[JournalLine]
    last_pk: int | None  # the highest request id it looked at
    size: int
    latest: store.LatestCheckpoint | None
    more: bool


@dataclass
class Sequencer:
    key: SigningKey
    files: LogFiles
    batch: int = BATCH
    swept_at: datetime | None = None  # None: look at the whole table next run
    wide_at: datetime | None = None  # the last run that looked back GRACE
    verifier: VerifierKey = field(init=False)

    def __post_init__(self) -> None:
        self.verifier = self.key.verifier

    async def run(self) -> int:
        """Sequence everything committed; returns how many records were added (0 if another
        process of this host holds the lock)."""
        with self.files.lock() as held:
            if not held:
                return 0
            started = datetime.now(UTC)
            since = self._look_back(started)
            after = await _before_window(since)
            lines: list[JournalLine] = []
            while True:
                batch = await self._sequence(since, after)
                lines += batch.lines
                after = batch.last_pk if batch.last_pk is not None else after
                if not batch.more:
                    break
            self.swept_at = started
            await self._journal(lines, batch.size)
            await self._export(batch.latest)
            return len(lines)

    def _look_back(self, now: datetime) -> datetime | None:
        if self.swept_at is None or self.wide_at is None:
            self.wide_at = now
            return None
        if now - self.wide_at >= WIDE_EVERY:
            self.wide_at = now
            return now - GRACE
        return self.swept_at - RECENT

    async def _sequence(self, since: datetime | None, after: int) -> _Batch:
        """One transaction: the next batch of requests numbered, and a checkpoint signed.
        A record hashed when written costs one row here; an older one is hashed from its rows."""
        async with in_transaction() as conn:
            if conn.capabilities.dialect == "postgres":
                await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [ADVISORY_LOCK])
            size = await store.tree_size(conn)
            chosen, more = await self._unsequenced(conn, since, after)
            latest = await store.latest_note(conn)
            if not chosen and latest is not None and latest.tree_size == size:
                return _Batch([], None, size, latest, more=False)
            try:
                frontier = await store.frontier(conn, size)
            except LookupError as missing:
                raise ForkRefused(f"the stored tree has lost a subtree ({missing})") from None
            await self._refuse_fork(conn, size, frontier, latest)
            hashes = await _leaf_hashes(conn, chosen)
            leaves, lines = [], []
            for request in chosen:
                leaf = hashes[request.pk]
                closed = frontier.append(leaf)
                seq = frontier.size - 1
                leaves.append(store.StoredLeaf(seq, request.pk, leaf, b"".join(closed)))
                lines.append(JournalLine(seq, request.request_id, leaf))
            await store.append_leaves(conn, leaves)
            signed = await self._sign(conn, frontier)
            last_pk = chosen[-1].pk if chosen else None
            return _Batch(lines, last_pk, frontier.size, signed, more)

    async def _unsequenced(
        self, conn: BaseDBAsyncClient, since: datetime | None, after: int
    ) -> tuple[list[store.Unsequenced], bool]:
        """Committed requests without a sequence number, by id, within the budget of entries
        hashed from their rows; and whether there may be more."""
        rows = await store.unsequenced(conn, after=after, since=since, limit=self.batch)
        chosen: list[store.Unsequenced] = []
        entries = 0
        for request in rows:
            count = request.entry_count if request.leaf_hash is None else 0
            if chosen and entries + count > ENTRY_BUDGET:
                return chosen, True
            chosen.append(request)
            entries += count
        return chosen, len(rows) == self.batch

    async def _refuse_fork(
        self,
        conn: BaseDBAsyncClient,
        size: int,
        frontier: Frontier,
        latest: store.LatestCheckpoint | None,
    ) -> None:
        signed = [
            note for note in (latest.note if latest else None, self.files.read_checkpoint()) if note
        ]
        for note in signed:
            try:
                checkpoint = open_checkpoint(note, self.verifier)
            except CheckpointError:
                continue  # not ours: verify-audit reports it; it cannot bind us
            if checkpoint.size > size:
                raise ForkRefused(
                    f"the log holds {size} records, a signed checkpoint {checkpoint.size}"
                )
            try:
                root = await _root_at(conn, checkpoint.size, size, frontier)
            except LookupError as missing:
                raise ForkRefused(f"the stored tree has lost a subtree ({missing})") from None
            if root != checkpoint.root:
                raise ForkRefused(
                    f"the stored tree differs from the checkpoint at {checkpoint.size}"
                )

    async def _sign(self, conn: BaseDBAsyncClient, frontier: Frontier) -> store.LatestCheckpoint:
        checkpoint = Checkpoint(
            self.key.name, frontier.size, frontier.root(), datetime.now(UTC).replace(microsecond=0)
        )
        note = self.key.sign(checkpoint)
        await store.append_checkpoint(
            conn, size=checkpoint.size, root=checkpoint.root, at=checkpoint.at, note=note
        )
        return store.LatestCheckpoint(checkpoint.size, note)

    async def _journal(self, lines: list[JournalLine], size: int) -> None:
        """This run's leaves appended as they are when the journal ends just before them (one
        host: the usual case); otherwise, or if it lags behind the tree, from the database."""
        start = self.files.journal_size()
        if lines and lines[0].seq == start and lines[-1].seq - start == len(lines) - 1:
            self.files.append_journal(lines)
            start += len(lines)
        if start < size:
            await self._catch_up_journal()

    async def _catch_up_journal(self) -> None:
        """Append what was sequenced (here or by another host) since the journal's last line."""
        conn = get_connection("default")
        while True:
            start = self.files.journal_size()
            rows = await store.journal_rows(conn, start, JOURNAL_CHUNK)
            lines = []
            for expected, (seq, request_id, leaf_hash) in enumerate(rows, start):
                if seq != expected:
                    break  # a gap: never papered over; verify-audit names it
                lines.append(JournalLine(seq, request_id, leaf_hash))
            self.files.append_journal(lines)
            if len(lines) < JOURNAL_CHUNK:
                return

    async def _export(self, latest: store.LatestCheckpoint | None) -> None:
        """The latest checkpoint to the data directory, unless the file holds it already or
        a larger one (never replaced by a smaller one). Written and synced in a thread: the
        requests of this process go on meanwhile."""
        if latest is None:
            return
        kept = self.files.read_checkpoint()
        if kept == latest.note:
            return
        if kept is not None:
            try:
                if open_checkpoint(kept, self.verifier).size > latest.tree_size:
                    return
            except CheckpointError:
                pass
        await asyncio.to_thread(self.files.write_checkpoint, latest.note)


async def _leaf_hashes(
    conn: BaseDBAsyncClient, chosen: list[store.Unsequenced]
) -> dict[int, bytes]:
    """Each request's leaf hash: as computed when written, else from its rows (older rows)."""
    hashes = {r.pk: r.leaf_hash for r in chosen if r.leaf_hash is not None}
    records = await store.records(conn, [r.pk for r in chosen if r.leaf_hash is None])
    hashes.update((pk, record.leaf_hash()) for pk, record in records.items())
    return hashes


async def _before_window(since: datetime | None) -> int:
    """An id below every record dated `since` or later, found through the `at` index: the
    search by id then starts there, never at the first record of the log."""
    if since is None:
        return 0
    # Not MIN(id) in SQL: SQLite would answer it walking the primary key from the first record.
    recent = await store.ids_since(get_connection("default"), since)
    return min(recent) - 1 if recent else NOTHING_YET


async def _root_at(conn: BaseDBAsyncClient, old: int, size: int, frontier: Frontier) -> bytes:
    """The root of the first `old` leaves, from O(log n) stored subtrees."""
    if old == size:
        return frontier.root()
    if old == 0:
        return Frontier().root()
    found = await store.nodes(conn, needed_nodes(lambda get: range_hash(0, old, get)))
    return range_hash(0, old, found.__getitem__)


async def sequence_forever(sequencer: Sequencer, interval: float) -> None:
    """The server's background task: a run every `interval` seconds until cancelled."""
    while True:
        try:
            started = time.perf_counter()
            added = await sequencer.run()
            took = (time.perf_counter() - started) * 1000
            log.debug("audit log sequenced records=%d duration_ms=%.1f", added, took)
        except ForkRefused as refused:
            log.error("audit log not extended: %s; run `server.py verify-audit`", refused)
        except Exception as exc:  # the next run retries; the request path never waits on it
            log.error("audit sequencer failed error=%s", type(exc).__name__)
        await asyncio.sleep(interval)
