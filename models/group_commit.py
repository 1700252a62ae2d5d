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

On SQLite, a group whose writes all have their SQLite form (`GroupCommit(write, sqlite=...)`:
the same statements as plain sqlite3 calls) commits in one round trip to the database's
thread (models.sqlite_thread) instead of one per statement, BEGIN and COMMIT included.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from models.sqlite_thread import SqliteWork, in_one_transaction, run_in_sqlite_thread

T = TypeVar("T")
Write = Callable[[BaseDBAsyncClient, T], Awaitable[None]]
# The same write for SQLite's thread: given the item (on the event loop), the statements to run.
SqliteWrite = Callable[[T], SqliteWork[None]]
LINGER = 0.05  # seconds a group of lazy rows alone waits for an eager one


@dataclass(frozen=True, slots=True)
class _Writer(Generic[T]):
    write: Write[T]
    sqlite: SqliteWrite[T] | None


@dataclass(frozen=True, slots=True)
class _Queued:
    writer: _Writer[Any]
    item: Any
    lazy: bool
    done: asyncio.Future[None]


class GroupCommit(Generic[T]):
    def __init__(self, write: Write[T], *, sqlite: SqliteWrite[T] | None = None) -> None:
        self._writer = _Writer(write, sqlite)

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
            await _write_group(group)
        except Exception as exc:
            if len(group) > 1:
                for one in group:  # which one failed? each on its own
                    await self._commit([one])
            else:
                _settle(group[0].done, exc)
            return
        for queued in group:
            _settle(queued.done, None)


async def _write_group(group: list[_Queued]) -> None:
    """One transaction: on SQLite one round trip when every write has its SQLite form."""
    conn = get_connection("default")
    sqlite = [queued.writer.sqlite for queued in group]
    if conn.capabilities.dialect == "sqlite" and all(sqlite):
        works = [prepare(queued.item) for prepare, queued in zip(sqlite, group, strict=True)]  # type: ignore[misc]
        await run_in_sqlite_thread(conn, in_one_transaction(works))
        return
    async with in_transaction() as transaction:
        for queued in group:
            await queued.writer.write(transaction, queued.item)


SHARED = Committer()


def _settle(done: asyncio.Future[None], error: BaseException | None) -> None:
    if done.done():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
