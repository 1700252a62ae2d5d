"""Group commit: rows that concurrent requests write commit in one transaction.

While one commit is in progress, submissions queue up; the next commit writes them all (one
fsync for many requests). Nobody waits for a timer: a submission alone is written at once.
`submit` returns only once its own rows are committed and raises if they were not. A failed
group is retried one submission at a time, so one bad row fails no other request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

T = TypeVar("T")
Write = Callable[[BaseDBAsyncClient, T], Awaitable[None]]


class GroupCommit(Generic[T]):
    def __init__(self, write: Write[T]) -> None:
        self._write = write
        self._queue: list[tuple[T, asyncio.Future[None]]] = []
        self._committer: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((item, done))
        if self._committer is None:
            self._committer = asyncio.create_task(self._commit_queued())
        await asyncio.shield(done)  # a cancelled request leaves its group to commit

    async def _commit_queued(self) -> None:
        try:
            while self._queue:
                group, self._queue = self._queue, []
                await self._commit(group)
        finally:
            self._committer = None

    async def _commit(self, group: list[tuple[T, asyncio.Future[None]]]) -> None:
        try:
            async with in_transaction() as conn:
                for item, _ in group:
                    await self._write(conn, item)
        except Exception as exc:
            if len(group) > 1:
                for one in group:  # which one failed? each on its own
                    await self._commit([one])
            else:
                _settle(group[0][1], exc)
            return
        for _, done in group:
            _settle(done, None)


def _settle(done: asyncio.Future[None], error: BaseException | None) -> None:
    if done.done():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
