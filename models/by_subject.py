"""The read audit by subject (`models.SubjectEntry`), read only through `subject_entries()`,
whose rows `entries_of()` turns into the audit entries they stand for.

On SQLite a request's audit commit writes no subject index: `audit_entry` is written in id
order and `audit_entry_by_subject`, the entries' keys (subject, request id, entry id) in a
table clustered by them, is filled from it in batches off the request path (migration 0030
says why). What is not copied yet is exactly
the entries past the mark (`audit_entry_by_subject_mark`): SQLite commits one writer at a
time, so entry ids commit in order. `subject_entries()` copies what is left before it
answers, so a read by subject never misses an entry, however far behind the copier is; the
copier (`copy_forever()`, in each server worker: edge/sequencer.py) keeps what is left small,
so that reads rarely wait for it. Each batch is one transaction of at most `BATCH` entries,
in id order.

On PostgreSQL `audit_entry_by_subject` is a view of `audit_entry`, which keeps its subject
index: there is nothing to copy, and nothing to wait for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.audit import AuditEntry, SubjectEntry

log = logging.getLogger("crm.audit_log")

COPY_SECONDS = 1.0  # between the copier's runs: about one commit a second, not one a request
BATCH = 20_000  # entries per transaction: the writer lock is held for tens of milliseconds

_LAST = "(SELECT last FROM audit_entry_by_subject_mark WHERE one = 1)"
# The newest entry not copied yet (NULL: none): what one catch-up copies up to, however many
# entries commit meanwhile, so that a read never chases the writes that follow it.
_TARGET = f"SELECT max(id) AS target FROM audit_entry WHERE id > {_LAST}"  # noqa: S608 - constants
# The INSERT comes first, so the transaction holds the writer lock from its first statement;
# the UPDATE then reads the same rows (no one else writes meanwhile) and moves the mark to
# the last one copied. Both take (target, batch).
_COPY = (
    "INSERT INTO audit_entry_by_subject "  # noqa: S608 - constants
    "(subject_type, subject_id, request_id, id) SELECT subject_type, subject_id, request_id, id "
    f"FROM audit_entry WHERE id > {_LAST} AND id <= ? ORDER BY id LIMIT ?"
)
_MARK = (
    "UPDATE audit_entry_by_subject_mark SET last = coalesce((SELECT max(id) FROM (SELECT id "
    "FROM audit_entry WHERE id > audit_entry_by_subject_mark.last AND id <= ? ORDER BY id "
    "LIMIT ?)), last) WHERE one = 1 RETURNING last"
)


def copied_here(conn: BaseDBAsyncClient) -> bool:
    """Whether this database copies the keys (SQLite) rather than viewing them (PostgreSQL)."""
    return conn.capabilities.dialect == "sqlite"


async def catch_up(batch: int = BATCH) -> int:
    """Copy the key of every entry committed before this call and not copied yet, in
    transactions of at most `batch` entries; return how many ran (none on PostgreSQL)."""
    conn = get_connection("default")
    if not copied_here(conn):
        return 0
    found = await conn.execute_query_dict(_TARGET)
    target = found[0]["target"] if found else None
    runs, last = 0, None
    while target is not None and (last is None or last < target):
        async with in_transaction() as tx:
            await tx.execute_query(_COPY, [target, batch])
            _, moved = await tx.execute_query(_MARK, [target, batch])
        last = int(moved[0][0])
        runs += 1
    return runs


async def subject_entries() -> QuerySet[SubjectEntry]:
    """Every audit entry's key, to be filtered by subject: complete up to this call."""
    await catch_up()
    return SubjectEntry.all()


async def entries_of(rows: Sequence[SubjectEntry]) -> list[AuditEntry]:
    """The audit entries `rows` stand for, in their order, with their request rows: one
    query by primary key."""
    if not rows:
        return []
    found = {
        e.id: e
        for e in await AuditEntry.filter(id__in=[r.id for r in rows]).select_related("request")
    }
    return [found[r.id] for r in rows]


async def copy_forever(interval: float) -> None:
    """The server's background task: a catch-up every `interval` seconds until cancelled."""
    while True:
        await asyncio.sleep(interval)
        try:
            await catch_up()
        except Exception as exc:  # the next run, or the next read, copies what is left
            log.error("audit copy by subject failed error=%s", type(exc).__name__)
