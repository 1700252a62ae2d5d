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
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

T = TypeVar("T")
Write = Callable[[BaseDBAsyncClient, T], Awaitable[None]]
LINGER = 0.05  # seconds a group of lazy rows alone waits for an eager one


class GroupCommit(Generic[T]):
    def __init__(self, write: Write[T]) -> None:
        self._write = write

    async def submit(self, item: T, *, lazy: bool = False) -> None:
        await SHARED.submit(self._write, item, lazy=lazy)


class Committer:
    def __init__(self) -> None:
        self._queue: list[tuple[Write[Any], Any, bool, asyncio.Future[None]]] = []
        self._committer: asyncio.Task[None] | None = None
        self._eager = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def submit(self, write: Write[T], item: T, *, lazy: bool = False) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests): nothing of the old one lives
            self._queue, self._committer, self._loop = [], None, loop
            self._eager = asyncio.Event()
        done: asyncio.Future[None] = loop.create_future()
        self._queue.append((write, item, lazy, done))
        if not lazy:
            self._eager.set()
        if self._committer is None:
            self._committer = asyncio.create_task(self._commit_queued())
        await asyncio.shield(done)  # a cancelled request leaves its group to commit

    async def _commit_queued(self) -> None:
        try:
            while self._queue:
                if all(lazy for _, _, lazy, _ in self._queue):
                    self._eager.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._eager.wait(), LINGER)
                group, self._queue = self._queue, []
                await self._commit(group)
        finally:
            self._committer = None

    async def _commit(
        self, group: list[tuple[Write[Any], Any, bool, asyncio.Future[None]]]
    ) -> None:
        try:
            async with in_transaction() as conn:
                for write, item, _, _ in group:
                    await write(conn, item)
        except Exception as exc:
            if len(group) > 1:
                for one in group:  # which one failed? each on its own
                    await self._commit([one])
            else:
                _settle(group[0][3], exc)
            return
        for *_, done in group:
            _settle(done, None)


SHARED = Committer()


def _settle(done: asyncio.Future[None], error: BaseException | None) -> None:
    if done.done():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
