"""The audit store commits concurrent requests' rows together (group commit) without any
request answering before its own rows are durable, and without one bad write failing the
others; inside an open transaction (a mutation) it writes in that transaction."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import aiosqlite
import pytest
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.transactions import in_transaction

from auth.access_log import AccessRow, PgRows, insert_row, sqlite_insert_row
from directives.audit import (
    MAX_WRITE_DELAY,
    AuditBuffer,
    AuditHeader,
    AuditWriteTooLate,
    TortoiseAuditStore,
    utc_now,
)
from models import AccessLogEntry, AuditEntry, AuditRequest, sqlite_thread
from models.group_commit import LINGER, SHARED, GroupCommit
from models.sqlite_thread import SMALL_WRITE_ROWS
from tests.conftest import sql_log


def _header(request_id: str | None = None) -> AuditHeader:
    return AuditHeader(
        request_id=request_id or str(uuid.uuid4()),
        at=utc_now(),
        actor="t-billing",
        role="BILLING",
        purpose="E",
        operation_name="Q",
        client_address="203.0.113.7",
        policy_version="2009-09-01/1",
    )


def _buffer(rows: int = 3) -> AuditBuffer:
    buffer = AuditBuffer()
    buffer.entries = [("CUSTOMER", n, "Customer", "email:CLEAR") for n in range(1, rows + 1)]
    return buffer


class _Transactions(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.commits = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.commits += "COMMIT" in record.getMessage().upper()


def counting_commits() -> AbstractContextManager[_Transactions]:
    return sql_log(_Transactions())


async def test_concurrent_writes_commit_together_and_each_waits_for_its_own(
    db: TortoiseContext,
) -> None:
    store = TortoiseAuditStore()
    headers = [_header() for _ in range(20)]

    async def write_then_look(header: AuditHeader) -> bool:
        await store.write(header, _buffer())
        # Back from write: the row is committed, visible to anyone.
        return await AuditRequest.filter(request_id=header.request_id).exists()

    seen = await asyncio.gather(*(write_then_look(h) for h in headers))
    assert all(seen)
    assert await AuditRequest.all().count() == 20
    assert await AuditEntry.all().count() == 60


async def test_a_group_is_fewer_commits_than_requests(db: TortoiseContext) -> None:
    store = TortoiseAuditStore()
    with counting_commits() as log:
        await asyncio.gather(*(store.write(_header(), _buffer()) for _ in range(20)))
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        # Rows inserted by one transaction share its id (xmin).
        rows = await conn.execute_query_dict(
            "SELECT count(DISTINCT xmin::text) AS n FROM audit_request"
        )
        commits = int(rows[0]["n"])
    else:
        commits = log.commits  # the SQLite client logs its COMMITs
    assert 1 <= commits < 20


@pytest.mark.parametrize("small_write_rows", [0, SMALL_WRITE_ROWS])
async def test_on_sqlite_a_group_is_one_round_trip_to_the_database_thread_or_none(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch, small_write_rows: int
) -> None:
    """BEGIN, every member's inserts and COMMIT run as one function in aiosqlite's thread
    (models.sqlite_thread), not one hop per statement; a group this small, with no other
    process writing, makes no hop at all (it runs on the event loop's thread)."""
    conn = get_connection("default")
    if conn.capabilities.dialect != "sqlite":
        return  # PostgreSQL: a group is one transaction over the network (test above)
    monkeypatch.setattr(sqlite_thread, "SMALL_WRITE_ROWS", small_write_rows)
    await AuditRequest.all().count()  # the connection opened (its PRAGMAs are hops too)
    hops = 0
    execute = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal hops
        hops += 1
        return await execute(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    store = TortoiseAuditStore()
    rows = GroupCommit(insert_row, sqlite=sqlite_insert_row, rows=lambda _: 1)
    access = AccessRow(
        at=utc_now(), host_name=None, client_address="203.0.113.7", browser="curl", os="Other",
        method="POST", path="/graphql", status=200, duration_ms=1.0,
    )  # fmt: skip
    with counting_commits() as log:
        await asyncio.gather(
            rows.submit(access, lazy=True), *(store.write(_header(), _buffer()) for _ in range(8))
        )
    monkeypatch.undo()
    assert await AuditRequest.all().count() == 8
    assert await AuditEntry.all().count() == 24
    assert await AccessLogEntry.all().count() == 1
    assert 1 <= log.commits < 8
    assert hops == (log.commits if small_write_rows == 0 else 0)


def test_a_writer_with_a_sqlite_form_says_how_many_rows_an_item_writes() -> None:
    """A group small enough commits on the event loop's thread: a writer that did not say how
    large its items are could put any amount of work there."""
    with pytest.raises(TypeError, match="how many rows"):
        GroupCommit(insert_row, sqlite=sqlite_insert_row)
    GroupCommit(insert_row, postgres=PgRows())  # no SQLite form: nothing runs on the loop


class _Statements(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sql: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.sql.append(record.getMessage())


async def test_on_postgresql_a_group_is_one_statement(db: TortoiseContext) -> None:
    """Every member's rows (audit requests, their entries, access-log rows) in one statement,
    its own transaction: no BEGIN or COMMIT round trips."""
    conn = get_connection("default")
    if conn.capabilities.dialect != "postgres":
        return  # SQLite: one round trip to its thread (test above)
    await AuditRequest.all().count()  # the pool opened (its creation is logged too)
    store, rows = TortoiseAuditStore(), GroupCommit(insert_row, postgres=PgRows())
    access = AccessRow(
        at=utc_now(), host_name=None, client_address="203.0.113.7", browser="curl", os="Other",
        method="POST", path="/graphql", status=200, duration_ms=1.0,
    )  # fmt: skip
    with sql_log(_Statements()) as log:
        await asyncio.gather(
            rows.submit(access, lazy=True), *(store.write(_header(), _buffer()) for _ in range(8))
        )
    assert await AuditRequest.all().count() == 8
    assert await AccessLogEntry.all().count() == 1
    assert 1 <= len(log.sql) < 8
    assert all(sql.startswith("WITH ") for sql in log.sql), log.sql
    # Entries in written order under each request, requests in submitted order.
    for (request_pk,) in await AuditRequest.all().order_by("id").values_list("id"):
        found = (
            await AuditEntry.filter(request_id=request_pk).order_by("id").values_list("subject_id")
        )
        assert [subject for (subject,) in found] == [1, 2, 3]


async def test_a_late_record_in_a_group_fails_alone(db: TortoiseContext) -> None:
    """A record whose id would be drawn more than MAX_WRITE_DELAY after its time is refused
    (AuditWriteTooLate) without failing the records committed with it."""
    store = TortoiseAuditStore()
    late = _header()
    late = dataclasses.replace(late, at=late.at - MAX_WRITE_DELAY - timedelta(seconds=5))
    headers = [_header(), _header(), late, _header(), _header()]
    results = await asyncio.gather(
        *(store.write(h, _buffer()) for h in headers), return_exceptions=True
    )
    assert [type(r) for r in results] == [type(None)] * 2 + [AuditWriteTooLate] + [type(None)] * 2
    written = {r for (r,) in await AuditRequest.all().values_list("request_id")}
    assert written == {h.request_id for h in headers} - {late.request_id}
    assert await AuditEntry.all().count() == 12


async def test_one_bad_write_fails_alone(db: TortoiseContext) -> None:
    store = TortoiseAuditStore()
    taken = _header()
    await store.write(taken, _buffer())
    duplicate = _header(taken.request_id)  # request_id is unique: this write must fail
    others = [_header() for _ in range(5)]
    results = await asyncio.gather(
        *(store.write(h, _buffer()) for h in [others[0], duplicate, *others[1:]]),
        return_exceptions=True,
    )
    assert [isinstance(r, Exception) for r in results] == [False, True, False, False, False, False]
    assert await AuditRequest.all().count() == 6


async def test_inside_a_transaction_the_rows_share_its_fate(db: TortoiseContext) -> None:
    store = TortoiseAuditStore()

    class Refused(Exception):
        pass

    with pytest.raises(Refused):
        async with in_transaction():
            await store.write(_header(), _buffer())
            raise Refused
    assert await AuditRequest.all().count() == 0
    async with in_transaction():
        await store.write(_header(), _buffer())
    assert await AuditRequest.all().count() == 1


def _access_row() -> AccessLogEntry:
    return AccessLogEntry(
        at=utc_now(), client_address="203.0.113.7", browser="curl", os="Other", method="POST",
        path="/graphql", status=200, duration_ms=1.0,
    )  # fmt: skip


async def test_an_access_log_row_rides_with_the_next_audit_write(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The access log's rows are lazy: they wait (up to LINGER) for an audit write and share
    its commit; each is durable when its submit returns."""
    rows, store = GroupCommit(_save), TortoiseAuditStore()
    access = _access_row()

    async def audit_soon() -> None:
        await asyncio.sleep(LINGER / 5)  # the next request's audit, a moment later
        await store.write(_header(), _buffer())

    groups: list[int] = []
    commit = SHARED._commit

    async def counted(group: list[Any]) -> None:
        groups.append(len(group))
        await commit(group)

    monkeypatch.setattr(SHARED, "_commit", counted)
    await asyncio.gather(rows.submit(access, lazy=True), audit_soon())
    assert await AccessLogEntry.filter(id=access.id).exists()
    assert await AuditRequest.all().count() == 1
    assert groups == [2]  # one transaction: the access-log row and the audit


async def test_a_lazy_row_alone_is_written_after_the_linger(db: TortoiseContext) -> None:
    rows = GroupCommit(_save)
    access = _access_row()
    started = asyncio.get_running_loop().time()
    await rows.submit(access, lazy=True)
    assert asyncio.get_running_loop().time() - started >= LINGER * 0.9
    assert await AccessLogEntry.filter(id=access.id).exists()


async def _save(conn: BaseDBAsyncClient, row: AccessLogEntry) -> None:
    await row.save(using_db=conn)


async def test_entries_are_written_only_with_their_request(db: TortoiseContext) -> None:
    """Why PostgreSQL needs no foreign key on them (migration 0029): every entry row the store
    writes names a request row written with it, grouped or inside a transaction alike."""
    store = TortoiseAuditStore()
    await asyncio.gather(*(store.write(_header(), _buffer(rows)) for rows in (1, 2, 5)))
    async with in_transaction():
        await store.write(_header(), _buffer(3))
    entries = await AuditEntry.all().values_list("request_id", flat=True)
    requests = dict(await AuditRequest.all().values_list("id", "entry_count"))
    assert sorted(entries) == sorted(pk for pk, count in requests.items() for _ in range(count))
    assert len(entries) == 11


async def test_on_postgresql_entries_carry_no_foreign_key_and_on_sqlite_they_keep_it(
    db: TortoiseContext,
) -> None:
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        _, rows = await conn.execute_query(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'audit_entry'::regclass "
            "AND contype = 'f'"
        )
        assert list(rows) == []
    else:
        _, rows = await conn.execute_query("PRAGMA foreign_key_list('audit_entry')")
        assert [row[2] for row in rows] == ["audit_request"]  # the table it references
