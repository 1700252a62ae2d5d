"""The read audit by subject (models/by_subject.py, migration 0030): on SQLite a request's
commit writes no subject index and the entries are copied by subject off the request path;
every read by subject is complete all the same. On PostgreSQL the entries by subject are a
view of audit_entry."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import re
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from edge.sequencer import subject_copier
from models import AuditEntry, SubjectEntry
from models.by_subject import _COPY, _MARK, _TARGET, catch_up, subject_entries
from tests.directives.test_reasons import PACKAGES
from tests.tlog.attacker import sql, write_record

MIGRATION: Any = importlib.import_module("models.migrations.0030_audit_entry_by_subject")
ROOT = Path(__file__).resolve().parents[2]
IDS = [f"00000000-0000-4000-8000-0000000001{n:02d}" for n in range(8)]


def _sqlite() -> bool:
    return bool(get_connection("default").capabilities.dialect == "sqlite")


async def _mark() -> int:
    rows = await get_connection("default").execute_query_dict(
        "SELECT last FROM audit_entry_by_subject_mark"
    )
    return int(rows[0]["last"])


KEY = ("id", "request_id", "subject_type", "subject_id")


async def _copied() -> list[tuple[Any, ...]]:
    return [tuple(r) for r in await SubjectEntry.all().order_by("id").values_list(*KEY)]


async def _entries() -> list[tuple[Any, ...]]:
    return [tuple(r) for r in await AuditEntry.all().order_by("id").values_list(*KEY)]


async def _subject_index_on_entries() -> bool:
    _, rows = await get_connection("default").execute_query('PRAGMA index_list("audit_entry")')
    names = [row["name"] for row in rows]
    for name in names:
        _, columns = await get_connection("default").execute_query(f'PRAGMA index_info("{name}")')
        if [c["name"] for c in columns][:2] == ["subject_type", "subject_id"]:
            return True
    return False


async def test_a_read_by_subject_sees_every_entry_however_far_behind_the_copy_is(
    db: TortoiseContext,
) -> None:
    for n, request_id in enumerate(IDS[:5]):
        await write_record(request_id, subjects=(1, 2 + n % 2))
    for subject in (1, 2, 3):
        seen = (
            await (await subject_entries())
            .filter(subject_type="Customer", subject_id=subject)
            .values_list("id", flat=True)
        )
        expected = await AuditEntry.filter(subject_type="Customer", subject_id=subject).values_list(
            "id", flat=True
        )
        assert sorted(seen) == sorted(expected) and expected
        await write_record(IDS[5 + subject - 1], subjects=(subject,))  # and the next read too


@pytest.mark.sqlite_only
async def test_on_sqlite_a_request_commit_writes_entries_only_and_the_copy_follows(
    db: TortoiseContext,
) -> None:
    assert not await _subject_index_on_entries()  # nothing by subject in the request's commit
    await catch_up()
    before = (await _mark(), await SubjectEntry.all().count())
    await write_record(IDS[0], subjects=(1, 2, 3))
    assert (await _mark(), await SubjectEntry.all().count()) == before
    assert await catch_up() == 1
    assert await _copied() == await _entries()
    assert await _mark() == max(e[0] for e in await _entries())
    assert await catch_up() == 0  # nothing left: no transaction at all


@pytest.mark.sqlite_only
async def test_on_sqlite_the_copy_goes_in_batches_in_id_order(db: TortoiseContext) -> None:
    for request_id in IDS[:3]:
        await write_record(request_id, subjects=(1, 2))  # 6 entries
    assert await catch_up(batch=4) == 2  # 4, then 2
    assert await _copied() == await _entries()
    await write_record(IDS[3], subjects=(4, 5, 6))
    assert await catch_up(batch=2) == 2
    assert await _copied() == await _entries()


@pytest.mark.sqlite_only
async def test_on_sqlite_a_catch_up_copies_what_was_there_and_never_chases_later_writes(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under load, entries commit all the time: a read by subject copies up to the newest
    entry at its start, and stops there (a version that copied until nothing was left kept
    a read going for seconds at 300 dashboards a second)."""
    for request_id in IDS[:3]:
        await write_record(request_id, subjects=(1, 2))  # 6 entries
    target = max(e[0] for e in await _entries())

    @contextlib.asynccontextmanager
    async def and_then_a_write() -> AsyncIterator[Any]:
        async with in_transaction() as tx:
            yield tx
        await write_record(IDS[3 + len(later)], subjects=(3,))  # commits after each batch
        later.append(1)

    later: list[int] = []
    monkeypatch.setattr("models.by_subject.in_transaction", and_then_a_write)
    assert await catch_up(batch=2) == 3  # 6 entries, 2 a batch; not the 3 written meanwhile
    assert await _mark() == target and len(later) == 3


@pytest.mark.sqlite_only
async def test_on_sqlite_the_copier_catches_up_in_the_background(db: TortoiseContext) -> None:
    async with subject_copier(interval=0.01):
        await write_record(IDS[0], subjects=(7, 8))
        for _ in range(500):
            if await SubjectEntry.all().count() == await AuditEntry.all().count():
                break
            await asyncio.sleep(0.01)
        assert await _copied() == await _entries()


@pytest.mark.sqlite_only
async def test_on_sqlite_copiers_racing_in_other_connections_copy_each_key_once(
    db: TortoiseContext, tmp_path: Path
) -> None:
    """Workers of one SQLite database each run a copier, while requests write: each copier's
    transaction starts with its INSERT, so it holds the writer lock before it reads the mark,
    and no key is copied twice or skipped (a duplicate would fail on the primary key)."""
    await write_record(IDS[0], subjects=(1,))
    request_pk = await AuditEntry.all().first().values_list("request_id", flat=True)
    path = str(tmp_path / "crm.sqlite3")
    errors: list[BaseException] = []
    writing = threading.Event()

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 10000")
        return conn

    def write() -> None:
        conn = connect()
        try:
            for n in range(1000):
                conn.execute("BEGIN")
                conn.executemany(
                    "INSERT INTO audit_entry (request_id, subject_type, subject_id, type_name, "
                    "fields_decisions) VALUES (?, 'Customer', ?, 'Customer', 'name:CLEAR')",
                    [(request_pk, (n * 7 + k) % 11) for k in range(5)],
                )
                conn.execute("COMMIT")
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            writing.set()
            conn.close()

    def copy() -> None:
        conn = connect()
        try:
            while True:
                done = writing.is_set()
                (target,) = conn.execute(_TARGET).fetchone()
                if target is None:
                    if done:
                        break
                    time.sleep(0.001)
                    continue
                conn.execute("BEGIN")
                conn.execute(_COPY, [target, 7])
                conn.execute(_MARK, [target, 7]).fetchall()
                conn.execute("COMMIT")
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=f) for f in (write, copy, copy, copy)]
    for thread in threads:
        thread.start()

    def join() -> None:
        for thread in threads:
            thread.join()

    await asyncio.to_thread(join)
    assert errors == []
    assert await catch_up() == 0  # the copiers left nothing
    assert len(await _entries()) == 1 + 1000 * 5
    assert await _copied() == await _entries()


async def test_the_entries_by_subject_refuse_changes(db: TortoiseContext) -> None:
    """Append-only like the audit: the copy's own triggers on SQLite (its mark only moves
    forward), audit_entry's through the view on PostgreSQL."""
    await write_record(IDS[0], subjects=(1, 2))
    await catch_up()
    for statement in (
        "UPDATE audit_entry_by_subject SET subject_id = 99",
        "DELETE FROM audit_entry_by_subject",
    ):
        with pytest.raises(OperationalError):
            await sql(statement)
    assert await _copied() == await _entries()
    if _sqlite():
        for statement in (
            "UPDATE audit_entry_by_subject_mark SET last = 0",
            "DELETE FROM audit_entry_by_subject_mark",
        ):
            with pytest.raises(OperationalError):
                await sql(statement)
        assert await _mark() > 0


async def test_the_migration_goes_back_to_the_index_and_forward_to_a_full_copy(
    db: TortoiseContext,
) -> None:
    for request_id in IDS[:3]:
        await write_record(request_id, subjects=(1, 2))
    editor = SimpleNamespace(client=get_connection("default"))
    await MIGRATION.by_index(None, editor)
    if _sqlite():
        assert await _subject_index_on_entries()
    await MIGRATION.by_subject(None, editor)
    assert await _copied() == await _entries()  # on SQLite, filled from audit_entry
    if _sqlite():
        assert not await _subject_index_on_entries()
        assert await _mark() == max(e[0] for e in await _entries())


def test_the_entries_by_subject_are_read_only_through_subject_entries() -> None:
    """So that no read by subject skips the catch-up: the model is named only where it is
    defined, classified and read."""
    allowed = {
        "models/audit.py",
        "models/__init__.py",
        "models/by_subject.py",
        "directives/classification.py",
    }
    named = re.compile(r"\bSubjectEntry\b")
    found = {
        str(path.relative_to(ROOT))
        for top in PACKAGES
        for path in (ROOT / top).rglob("*.py")
        if "migrations" not in path.parts and named.search(path.read_text(encoding="utf-8"))
    }
    # Readers name the type in annotations only (what subject_entries() returns).
    readers = {"rights/access.py", "resolvers/audit/newest.py"}
    assert found - allowed - readers == set()
    for reader in readers:
        text = (ROOT / reader).read_text(encoding="utf-8")
        assert not re.search(r"\bSubjectEntry\s*\.", text), reader
