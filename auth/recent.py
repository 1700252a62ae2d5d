"""API-token callers checked in the last few seconds: a query starts with the caller the last
check gave, while the same check runs again beside it.

The credential lookup is a round trip to the database before anything else can start (on
PostgreSQL the second of a dashboard's three). For an API token this worker checked less than
RECHECK_WITHIN ago, the request starts with that caller at once and the lookup (the same
`auth.callers.from_bearer`, with its refusals) runs as a task beside the execution. Its result is
awaited where it matters (`Confirmation`):

- by the guard, before anything but a query that only reads runs, before a refusal is
  recorded, and before the audit is written (directives.guard): nothing is changed, nor
  recorded as read, for a caller the lookup would not give now;
- by the edge, before any answer leaves (edge.graphql_view): if the lookup now gives another
  caller (the token revoked or expired, the account disabled, its role changed) or fails, the
  answer is dropped (an exception too) and the request runs again with what the lookup gave,
  exactly as it would have run without this. So revocation is not delayed: every answer waits
  for a lookup made after its request arrived, where without this the lookup came first.

Only a query whose roots all just read (directives.operations.READ_ONLY_SCOPES) starts
before the lookup is back; research, which charges the analyst's budget as it reads, and the
caller's own account wait for it first, and a refusal is recorded as a security event only
once the lookup confirms whose it is. Sessions (whose idle timeout each use extends) and option
providers' accounts (whose reach is read with them) are always looked up first. Each worker
keeps its own map; correctness never depends on it. RECHECK_WITHIN bounds how old the check
behind a discarded run can be.

It is used only where the lookup waits (`lookup_waits`): on PostgreSQL, a round trip. On
SQLite the lookup is a small read on the event loop's own thread (models.sqlite_client): CPU
the request pays wherever it runs, so starting beside it gains nothing, and the task, the
confirmation's awaits and their wake-ups cost ~50 µs (timed inside the server, one client).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tortoise.connection import get_connection

from auth.callers import Resolved
from models.sqlite_client import SmallReadClient
from models.tokens import hash_token

RECHECK_WITHIN = 5.0  # seconds since this worker last checked the token
REMEMBERED = 10_000  # tokens kept at most (least recently used dropped first)

Lookup = Callable[[], Awaitable[Resolved | None]]


def lookup_waits() -> bool:
    """Whether a credential lookup waits for the database (then a caller checked lately starts
    beside it): not on SQLite, whose small reads run on the event loop's thread."""
    return not isinstance(get_connection("default"), SmallReadClient)


@dataclass(frozen=True, slots=True)
class _Checked:
    resolved: Resolved | None  # None: not to start with (nobody, a session, a partner)
    at: float  # time.monotonic() when the lookup that gave it started


class Confirmation:
    """Whether the lookup made during this request gives the caller the request started with:
    awaited as often as needed, the lookup runs once."""

    def __init__(self, task: asyncio.Task[bool]) -> None:
        self._task = task

    async def __call__(self) -> bool:
        # Shielded: a request cancelled while waiting leaves the lookup to finish for the next.
        return await asyncio.shield(self._task)


class RecentCallers:
    def __init__(self, *, within: float = RECHECK_WITHIN, size: int = REMEMBERED) -> None:
        self._within, self._size = within, size
        self._checked: OrderedDict[str, _Checked] = OrderedDict()

    async def resolve(
        self, token: str, lookup: Lookup
    ) -> tuple[Resolved | None, Confirmation | None]:
        """The caller to start with, and what confirms it (None: it was looked up just now)."""
        key = hash_token(token)
        started = self._now()
        checked = self._checked.get(key)
        if checked is None or checked.resolved is None or started - checked.at >= self._within:
            resolved = await lookup()
            self._remember(key, resolved, started)
            return resolved, None
        self._checked.move_to_end(key)
        task = asyncio.ensure_future(self._confirm(key, checked.resolved, lookup, started))
        return checked.resolved, Confirmation(task)

    @staticmethod
    def _now() -> float:
        return time.monotonic()

    async def _confirm(self, key: str, started_with: Resolved, lookup: Lookup, at: float) -> bool:
        try:
            resolved = await lookup()
        except Exception:
            self._remember(key, None, at)  # the request runs again and meets the failure itself
            return False
        self._remember(key, resolved, at)
        return resolved == started_with

    def _remember(self, key: str, resolved: Resolved | None, at: float) -> None:
        current = self._checked.get(key)
        if current is not None and current.at > at:
            return  # a later lookup already said
        if resolved is None or resolved.session is not None or resolved.caller.partner is not None:
            if current is not None:  # kept as "not to start with", so an older lookup back
                self._checked[key] = _Checked(None, at)  # later cannot bring it back
            return
        self._checked[key] = _Checked(resolved, at)
        self._checked.move_to_end(key)
        while len(self._checked) > self._size:
            self._checked.popitem(last=False)
