"""Small reads on SQLite run on the event loop's thread (models/sqlite_client.py): the same
rows, no hop to aiosqlite's thread, never beside a transaction, and nothing but a bounded
SELECT is run that way. Small transactions too (models/sqlite_thread.py), but never waiting
there for another process's write lock."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiosqlite
import pytest
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.lookup import find_credential
from models import Customer
from models.sqlite_client import SMALL_READ_ROWS, SmallReadClient, index_reads_only, small_read
from models.sqlite_thread import SMALL_WRITE_ROWS, SqliteWork, commit_in_one_transaction
from resolvers.batching import by_id
from resolvers.paging import fetch_page
from schema.page import PageRequest
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(PG_URL is not None, reason="SQLite's client")


@contextmanager
def hops(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The functions sent to aiosqlite's thread inside the block, by name."""
    sent: list[str] = []
    execute = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", repr(fn)))
        return await execute(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    try:
        yield sent
    finally:
        monkeypatch.undo()


async def _customers(n: int) -> None:
    await Customer.bulk_create([Customer(name=f"顧客{i}") for i in range(n)])


async def test_the_server_connection_is_this_client(db: TortoiseContext) -> None:
    assert isinstance(get_connection("default"), SmallReadClient)


async def test_a_small_read_answers_the_same_without_a_hop(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _customers(5)
    conn = get_connection("default")
    sql = 'SELECT "id", "name" FROM "customer" WHERE "id" > ? ORDER BY "id" LIMIT 3'
    with hops(monkeypatch) as sent:
        through_thread = await conn.execute_query_dict(sql, [1])
        counted, rows = await conn.execute_query(sql, [1])
    assert len(sent) == 2
    with hops(monkeypatch) as sent, small_read(3):
        here = await conn.execute_query_dict(sql, [1])
        counted_here, rows_here = await conn.execute_query(sql, [1])
        queryset = await Customer.filter(id__gt=1).order_by("id").limit(3)
    assert sent == []
    assert here == through_thread and len(here) == 3
    assert (counted_here, [dict(r) for r in rows_here]) == (counted, [dict(r) for r in rows])
    assert [c.name for c in queryset] == [row["name"] for row in here]


async def test_rows_read_here_are_the_rows_the_thread_reads(db: TortoiseContext) -> None:
    """Dicts built here, not sqlite3.Row: the same keys in the same order, a repeated column
    name keeping its first column as sqlite3.Row does, NULLs and types as they are."""
    await Customer.all().count()
    conn = get_connection("default")
    sql = "SELECT 1 AS a, 'x' AS b, NULL AS a, 2.5 AS c, x'00ff' AS d"
    through_thread = await conn.execute_query_dict(sql)
    with small_read():
        here = await conn.execute_query_dict(sql)
    assert here == through_thread == [{"a": 1, "b": "x", "c": 2.5, "d": b"\x00\xff"}]
    assert list(here[0]) == list(through_thread[0])


async def test_only_a_bounded_select_runs_here(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _customers(SMALL_READ_ROWS + 5)
    conn = get_connection("default")
    with hops(monkeypatch) as sent, small_read():
        await conn.execute_query('UPDATE "customer" SET "fax" = ? WHERE "id" = 1', ["03"])
    assert len(sent) == 1  # a write keeps aiosqlite's thread, marked or not
    with hops(monkeypatch) as sent, small_read(SMALL_READ_ROWS + 1):
        await Customer.all().limit(SMALL_READ_ROWS + 1)
    assert len(sent) == 1  # more rows than a small read: the thread
    with hops(monkeypatch) as sent:
        await fetch_page(Customer.all(), PageRequest.parse(SMALL_READ_ROWS + 1, None, None, None))
        await fetch_page(Customer.all(), PageRequest.parse(20, None, None, None))
    assert len(sent) == 1  # the large page only


async def test_rows_by_id_make_no_hop_up_to_a_small_read(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _customers(SMALL_READ_ROWS + 1)
    with hops(monkeypatch) as sent:
        few = await by_id(Customer.all).load_many([1, 2, 3])
        many = await by_id(Customer.all).load_many(list(range(1, SMALL_READ_ROWS + 2)))
    assert [c.id for c in few if c] == [1, 2, 3] and len([c for c in many if c]) == len(many)
    assert len(sent) == 1  # the batch of more ids than a small read


async def test_a_credential_lookup_makes_no_hop(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    await Customer.all().count()  # the connection opened (its PRAGMAs are hops)
    with hops(monkeypatch) as sent:
        assert await find_credential("0" * 64) is None
    assert sent == []


async def test_a_small_read_waits_for_a_transaction_and_never_sees_inside_it(
    db: TortoiseContext,
) -> None:
    """The connection is one: a read run here while another task's transaction is open would
    see its uncommitted rows. It waits for the transaction's lock instead."""
    await _customers(1)
    opened, release = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with in_transaction():
            await Customer.create(name="未確定")
            opened.set()
            await release.wait()
            raise RuntimeError("rolled back")

    async def reader() -> list[str]:
        await opened.wait()
        with small_read(10):
            return [c.name for c in await Customer.all().order_by("id").limit(10)]

    writing = asyncio.create_task(writer())
    reading = asyncio.create_task(reader())
    await opened.wait()
    await asyncio.sleep(0.05)
    assert not reading.done()  # waiting for the transaction's lock
    release.set()
    with pytest.raises(RuntimeError, match="rolled back"):
        await writing
    assert await reading == ["顧客0"]  # never the uncommitted row


async def test_a_small_read_whose_plan_walks_or_sorts_keeps_the_thread(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A LIMIT bounds the rows, not the work: sorting every match by an unindexed column, or
    walking the table, is sent on to aiosqlite's thread (and gives the same rows)."""
    await _customers(5)
    conn = get_connection("default")
    sorted_by_fax = 'SELECT "id" FROM "customer" WHERE "id" > ? ORDER BY "fax", "id" LIMIT 3'
    walked = 'SELECT "id" FROM "customer" WHERE "fax" = ? LIMIT 3'
    indexed = 'SELECT "id" FROM "customer" WHERE "id" > ? ORDER BY "id" LIMIT 3'
    with hops(monkeypatch) as sent, small_read(3):
        rows = [
            await conn.execute_query_dict(q, [v]) for q, v in ((sorted_by_fax, 0), (walked, ""))
        ]
        await conn.execute_query_dict(indexed, [0])
    assert len(sent) == 2  # the sort and the walk; the index range was read here
    assert rows == [[{"id": 1}, {"id": 2}, {"id": 3}]] * 2


@pytest.mark.parametrize(
    ("plan", "index_only"),
    [
        (["SEARCH customer USING INTEGER PRIMARY KEY (rowid>?)"], True),
        (["COMPOUND QUERY", "LEFT-MOST SUBQUERY", "SEARCH s USING INDEX i (h=?)"], True),
        (["CO-ROUTINE c", "SEARCH t USING INDEX i (h=?)", "SCAN c"], True),
        (["SCAN CONSTANT ROW"], True),
        (["SCAN customer"], False),
        (["SCAN customer USING INDEX idx_name"], False),
        (["SEARCH customer USING INDEX i (agent_id=?)", "USE TEMP B-TREE FOR ORDER BY"], False),
        (["MATERIALIZE m", "SCAN m", "SCAN invoice"], False),
    ],
)
def test_which_plans_are_index_reads(plan: list[str], index_only: bool) -> None:
    assert index_reads_only(plan) is index_only


# --- small transactions (models/sqlite_thread.py) -------------------------------------------


def _insert(name: str, threads: list[int]) -> SqliteWork[None]:
    def run(raw: sqlite3.Connection) -> None:
        threads.append(threading.get_ident())
        raw.execute("INSERT INTO scratch (name) VALUES (?)", [name])

    return run


def _committed(db_file: str) -> list[str]:
    """Names as another connection (another process) reads them: committed rows."""
    other = sqlite3.connect(db_file)
    try:
        return [name for (name,) in other.execute("SELECT name FROM scratch ORDER BY id")]
    finally:
        other.close()


def _file() -> str:
    conn = get_connection("default")
    assert isinstance(conn, SmallReadClient)
    return conn.filename


async def _scratch() -> None:
    """A table of its own (the connection opens meanwhile: its PRAGMAs are hops)."""
    await get_connection("default").execute_script(
        "CREATE TABLE scratch (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"
    )


async def test_the_database_is_a_write_ahead_log_and_memory_is_not(db: TortoiseContext) -> None:
    conn = get_connection("default")
    assert isinstance(conn, SmallReadClient)
    await _scratch()
    assert conn.wal
    memory = SmallReadClient(":memory:", connection_name="memory")
    await memory.create_connection(with_db=True)
    try:
        assert not memory.wal  # its journal is in memory: small writes keep the thread
    finally:
        await memory.close()


async def test_a_small_transaction_commits_here_without_a_hop(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _scratch()
    threads: list[int] = []
    works = [_insert("一", threads), _insert("二", threads)]
    with hops(monkeypatch) as sent:
        await commit_in_one_transaction(get_connection("default"), works, rows=SMALL_WRITE_ROWS)
    assert sent == []
    assert threads == [threading.get_ident()] * 2
    assert _committed(_file()) == ["一", "二"]  # durable for everyone once it returns


async def test_a_larger_transaction_or_one_without_a_write_ahead_log_keeps_the_thread(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = get_connection("default")
    assert isinstance(conn, SmallReadClient)
    await _scratch()
    threads: list[int] = []
    with hops(monkeypatch) as sent:
        await commit_in_one_transaction(conn, [_insert("大", threads)], rows=SMALL_WRITE_ROWS + 1)
    assert sent == ["run"]
    monkeypatch.setattr(conn, "wal", False)
    with hops(monkeypatch) as sent:
        await commit_in_one_transaction(conn, [_insert("小", threads)], rows=1)
    assert sent == ["run"]
    assert threading.get_ident() not in threads
    assert _committed(_file()) == ["大", "小"]


async def test_another_process_holding_the_write_lock_never_stalls_the_loop(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process writing: the small transaction does not wait on the loop's thread for
    its lock (which would stop every request) but in aiosqlite's thread, under the
    connection's own busy timeout, which stays what it was."""
    conn = get_connection("default")
    await _scratch()
    (timeout_before,) = (await conn.execute_query("PRAGMA busy_timeout"))[1][0]
    assert timeout_before >= 1000  # waits up to a second or more for the other writer
    other = sqlite3.connect(_file(), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO scratch (name) VALUES ('他')")
    threads: list[int] = []
    with hops(monkeypatch) as sent:
        writing = asyncio.create_task(
            commit_in_one_transaction(conn, [_insert("後", threads)], rows=1)
        )
        gaps: list[float] = []
        last = time.perf_counter()
        for _ in range(20):  # the loop keeps running while the write waits
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
        assert not writing.done()
        other.execute("COMMIT")
        await writing
    other.close()
    # Waiting on the loop would have stopped it for the whole busy timeout (>= 1 s).
    assert max(gaps) < 0.5
    assert sent == ["run"] and threads and threading.get_ident() not in threads
    assert _committed(_file()) == ["他", "後"]
    assert (await conn.execute_query("PRAGMA busy_timeout"))[1][0][0] == timeout_before


async def test_a_failed_small_transaction_keeps_nothing_and_raises_as_the_client_does(
    db: TortoiseContext,
) -> None:
    conn = get_connection("default")
    await _scratch()
    await conn.execute_query("INSERT INTO scratch (id, name) VALUES (7, '元')")
    threads: list[int] = []

    def clash(raw: sqlite3.Connection) -> None:
        raw.execute("INSERT INTO scratch (id, name) VALUES (7, '重複')")

    with pytest.raises(IntegrityError):
        await commit_in_one_transaction(conn, [_insert("消", threads), clash], rows=2)
    assert threads == [threading.get_ident()]  # it ran here
    assert _committed(_file()) == ["元"]  # the first insert rolled back with it
    # and the connection is left outside any transaction, usable
    await commit_in_one_transaction(conn, [_insert("次", threads)], rows=1)
    assert _committed(_file()) == ["元", "次"]


@pytest.mark.parametrize("rows", [1, SMALL_WRITE_ROWS + 1])
async def test_a_commit_that_fails_is_rolled_back_here_and_in_the_thread(
    db: TortoiseContext, rows: int
) -> None:
    """A deferred foreign key is checked at COMMIT: the COMMIT fails, the transaction is
    rolled back (not left open on the connection for the next statement to join)."""
    conn = get_connection("default")
    await conn.execute_script(
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL "
        "REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"
    )
    orphan: list[int] = []

    def insert_orphan(raw: sqlite3.Connection) -> None:
        orphan.append(threading.get_ident())
        raw.execute("INSERT INTO child (parent_id) VALUES (42)")

    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        await commit_in_one_transaction(conn, [insert_orphan], rows=rows)
    assert (orphan == [threading.get_ident()]) == (rows <= SMALL_WRITE_ROWS)
    assert (await conn.execute_query("SELECT count(*) FROM child"))[1][0][0] == 0
    await commit_in_one_transaction(conn, [], rows=0)  # BEGIN works: no transaction was left
