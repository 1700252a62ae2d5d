"""Group commit: rows that concurrent requests write commit in one transaction.

While one commit is in progress, submissions queue up; the next commit writes them all (one
fsync for many requests). `submit` returns only once its own rows are committed and raises if
they were not. A failed group is retried one submission at a time, so one bad row fails no
other request.

One committer serves the audit and the access log (`SHARED`), so both kinds of rows share
commits. An audit submission (a response waits for it) is written at once if nothing is in
progress. A `lazy` submission (the access-log row of an answer already sent) first waits up
to LINGER for an eager one to travel with: with one client at a time, request n's access-log
row commits with request n+1's audit, one fsync per request instead of two. Lazy rows are
still durable before their `submit` returns; only the moment of their commit moves.

A group whose writes all have their form for the database commits in one round trip: on
SQLite (`GroupCommit(write, sqlite=...)`: the same statements as plain sqlite3 calls) BEGIN,
the statements and COMMIT run as one function in the database's thread, or with no hop at
all, on the event loop's thread, for a small group while no other process writes
(models.sqlite_thread); on PostgreSQL (`postgres=...`: each writer's rows as data-modifying
CTEs over `unnest` of one array per column) the whole group is one statement, its own
transaction, with no BEGIN or COMMIT to wait for. A writer may decline some of its items in
that statement (the audit's records written too late for their time): those fail, alone.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.fields import (
    BigIntField,
    CharField,
    DatetimeField,
    Field,
    FloatField,
    IntField,
    TextField,
)
from tortoise.transactions import in_transaction

from models.sqlite_thread import SqliteWork, commit_in_one_transaction

T = TypeVar("T")
T_in = TypeVar("T_in", contravariant=True)
Write = Callable[[BaseDBAsyncClient, T], Awaitable[None]]
# The same write for SQLite's thread: given the item (on the event loop), the statements to run.
SqliteWrite = Callable[[T], SqliteWork[None]]
LINGER = 0.05  # seconds a group of lazy rows alone waits for an eager one


@dataclass(frozen=True, slots=True)
class PgPart:
    """One writer's share of a group's single PostgreSQL statement: data-modifying CTEs
    (`name AS (...)`, comma-separated) whose parameters are numbered from the `first` they
    were given, their values, and the name of one of them returning a `key` per item it
    wrote, for a writer that may decline items (None: every item is written)."""

    ctes: str
    values: list[object]
    written: str | None = None


class PgWrite(Protocol[T_in]):
    def part(self, items: Sequence[T_in], name: str, first: int) -> PgPart:
        """The CTEs writing `items`, named from `name`, parameters from $first."""
        ...

    def refusal(self, item: T_in, written: frozenset[str]) -> Exception | None:
        """Why `item` was not written (`written`: the keys its part returned), or None."""
        ...


# Subclasses first (BigIntField is an IntField).
_PG_ARRAYS: tuple[tuple[type[Field[Any]], str], ...] = (
    (DatetimeField, "timestamptz"), (BigIntField, "bigint"), (IntField, "int"),
    (FloatField, "float8"), (CharField, "text"), (TextField, "text"),
)  # fmt: skip


def pg_array(field: Field[Any]) -> str:
    """The PostgreSQL array type a column's values are sent as (`unnest($n::type[])`); a
    column of another kind is refused (at import: the writers build their SQL then)."""
    for cls, kind in _PG_ARRAYS:
        if isinstance(field, cls):
            return f"{kind}[]"
    raise TypeError(f"no PostgreSQL array type for a {type(field).__name__}")


@dataclass(frozen=True, slots=True)
class _Writer(Generic[T]):
    write: Write[T]
    sqlite: SqliteWrite[T] | None
    postgres: PgWrite[T] | None
    rows: Callable[[T], int]


@dataclass(frozen=True, slots=True)
class _Queued:
    writer: _Writer[Any]
    item: Any
    lazy: bool
    done: asyncio.Future[None]


class GroupCommit(Generic[T]):
    def __init__(
        self,
        write: Write[T],
        *,
        sqlite: SqliteWrite[T] | None = None,
        postgres: PgWrite[T] | None = None,
        rows: Callable[[T], int] | None = None,
    ) -> None:
        """`rows`: how many rows an item writes, required with a SQLite form (a group of at
        most models.sqlite_thread.SMALL_WRITE_ROWS commits on the event loop's thread, so an
        item's size must be known, not assumed)."""
        if sqlite is not None and rows is None:
            raise TypeError("a writer with a SQLite form says how many rows an item writes")
        self._writer = _Writer(write, sqlite, postgres, rows or (lambda _: 1))

    async def submit(self, item: T, *, lazy: bool = False) -> None:
        await SHARED.submit(self._writer, item, lazy=lazy)


class Committer:
    def __init__(self) -> None:
        self._queue: list[_Queued] = []
        self._committer: asyncio.Task[None] | None = None
        self._eager = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def submit(self, writer: _Writer[T], item: T, *, lazy: bool = False) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests): nothing of the old one lives
            self._queue, self._committer, self._loop = [], None, loop
            self._eager = asyncio.Event()
        done: asyncio.Future[None] = loop.create_future()
        self._queue.append(_Queued(writer, item, lazy, done))
        if not lazy:
            self._eager.set()
        if self._committer is None:
            self._committer = asyncio.create_task(self._commit_queued())
        await asyncio.shield(done)  # a cancelled request leaves its group to commit

    async def _commit_queued(self) -> None:
        try:
            while self._queue:
                if all(queued.lazy for queued in self._queue):
                    self._eager.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._eager.wait(), LINGER)
                group, self._queue = self._queue, []
                await self._commit(group)
        finally:
            self._committer = None

    async def _commit(self, group: list[_Queued]) -> None:
        try:
            refusals = await _write_group(group)
        except Exception as exc:
            if len(group) > 1:
                for one in group:  # which one failed? each on its own
                    await self._commit([one])
            else:
                _settle(group[0].done, exc)
            return
        for queued, refusal in zip(group, refusals, strict=True):
            _settle(queued.done, refusal)


async def _write_group(group: list[_Queued]) -> list[Exception | None]:
    """One transaction, in one round trip when every write has its form for this database;
    each item's refusal (None: written)."""
    conn = get_connection("default")
    dialect = conn.capabilities.dialect
    sqlite = [queued.writer.sqlite for queued in group]
    if dialect == "sqlite" and all(sqlite):
        works = [prepare(queued.item) for prepare, queued in zip(sqlite, group, strict=True)]  # type: ignore[misc]
        rows = sum(queued.writer.rows(queued.item) for queued in group)
        await commit_in_one_transaction(conn, works, rows=rows)
        return [None] * len(group)
    if dialect == "postgres" and all(queued.writer.postgres for queued in group):
        return await _one_statement(conn, group)
    async with in_transaction() as transaction:
        for queued in group:
            await queued.writer.write(transaction, queued.item)
    return [None] * len(group)


async def _one_statement(conn: BaseDBAsyncClient, group: list[_Queued]) -> list[Exception | None]:
    """The group as one PostgreSQL statement: each writer's CTEs, then the keys written by
    writers that may decline items."""
    by_writer: dict[_Writer[Any], list[Any]] = {}
    for queued in group:
        by_writer.setdefault(queued.writer, []).append(queued.item)
    ctes: list[str] = []
    values: list[object] = []
    selects: list[str] = []
    for index, (writer, items) in enumerate(by_writer.items()):
        assert writer.postgres is not None
        part = writer.postgres.part(items, f"w{index}", len(values) + 1)
        ctes.append(part.ctes)
        values += part.values
        if part.written is not None:
            selects.append(f"SELECT {index} AS w, key FROM {part.written}")  # noqa: S608 - names
    main = " UNION ALL ".join(selects) or "SELECT NULL::int AS w, NULL::text AS key WHERE false"
    _, rows = await conn.execute_query(f"WITH {', '.join(ctes)} {main}", values)
    written: dict[int, set[str]] = {}
    for row in rows:
        written.setdefault(row["w"], set()).add(row["key"])
    index_of = {writer: index for index, writer in enumerate(by_writer)}
    refusals: list[Exception | None] = []
    for queued in group:
        postgres = queued.writer.postgres
        assert postgres is not None
        keys = frozenset(written.get(index_of[queued.writer], ()))
        refusals.append(postgres.refusal(queued.item, keys))
    return refusals


SHARED = Committer()


def _settle(done: asyncio.Future[None], error: BaseException | None) -> None:
    if done.done():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
