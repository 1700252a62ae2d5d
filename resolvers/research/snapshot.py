"""Research answers computed once per version of the population (P5.F), not per request.

The census (`population.census`) and the released rows (`rows.research_rows`, per pseudonym
key) are pure functions of the population and the key. Each is kept for the database's
current version (`version`), per database connection (a weak reference: a closed database's
answers go with it), and made again only when the version moves: the census patched with the
customers the change log names since (`population.patched`), the release merged from the
last one (`rows.merged`); everyone is counted again only when the log cannot say who
changed. Concurrent requests for a version being computed await the one computation; the
computing itself runs in a thread so the event loop keeps answering other requests
meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import weakref
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection

from resolvers.research import version
from resolvers.research.aggregate import carried
from resolvers.research.population import Census, census, patched_census
from resolvers.research.rows import Release, merged, research_rows

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(eq=False)
class _Slot:
    """One database's answers for one version."""

    version: version.Version | None = None
    census: asyncio.Future[Census] | None = None
    releases: dict[bytes, asyncio.Future[Release]] = field(default_factory=dict)
    # The last release made per key, with the census it was made from: the next version's is
    # merged from it (rows.merged) rather than made afresh.
    made: dict[bytes, tuple[asyncio.Future[Release], Census]] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


# More changed customers than this since the census held and the next one counts everyone:
# patching costs a read by id and a mask per changed customer, plus copying the arrays.
MOST_PATCHED = 10_000
MOST_SINCE_COUNT = 50_000  # customers changed since everyone was last counted
# From this many customers, what a full count made is frozen out of the cyclic collector's
# passes (`_frozen`).
FROZEN_FROM = 100_000

_SLOTS: weakref.WeakKeyDictionary[BaseDBAsyncClient, _Slot] = weakref.WeakKeyDictionary()


def _slot() -> _Slot:
    return _SLOTS.setdefault(get_connection("default"), _Slot())


def _usable(future: asyncio.Future[T] | None) -> bool:
    return future is not None and not (future.done() and future.exception() is not None)


async def _current(slot: _Slot) -> bool:
    if slot.version is None or not _usable(slot.census):
        return False
    now = await version.still(slot.version)
    if now is None:
        return False
    slot.version = now
    return True


async def _census() -> tuple[dict[bytes, asyncio.Future[Release]], Census]:
    """The census of the current version, and that version's releases (a new dict per
    version: a release is never filed under a version it was not made from)."""
    slot = _slot()
    if not await _current(slot):
        async with slot.lock:  # one computation per version: the others wait, then re-check
            if not await _current(slot):
                held, before = slot.version, slot.census
                slot.version = await version.read()  # before the population is read
                slot.census = asyncio.ensure_future(_collector_paused(_recount(held, before)))
                slot.releases = {}
    releases, counting = slot.releases, slot.census
    assert counting is not None
    return releases, await _shared(counting)


async def _recount(held: version.Version | None, before: asyncio.Future[Census] | None) -> Census:
    """The census of the version just read: the one `held` patched with the customers changed
    since, when the change log says which (at most MOST_PATCHED) and `before` was made;
    otherwise every customer read again."""
    if held is not None and _usable(before):
        assert before is not None
        changed = await version.changed_since(held, MOST_PATCHED)
        made = await _made(before)
        if changed is not None and made is not None and _worth_patching(made):
            patch = await patched_census(made, changed)
            carried(made, patch)
            return patch.census
    counted = await census()
    if len(counted) >= FROZEN_FROM:
        await asyncio.to_thread(_frozen)
    return counted


async def _made(before: asyncio.Future[T]) -> T | None:
    """What `before` makes (it may still be computing), or None if it fails."""
    try:
        return await _shared(before)
    except Exception:  # its own request reports it; this one computes afresh
        return None


def _worth_patching(made: Census) -> bool:
    """Patch while at least half the distinct rows are still someone's (rows left with no
    customer stay, counted for nothing, until a full count drops them), and while at most
    MOST_SINCE_COUNT customers changed since the last full count (each merge looks at each)."""
    return 2 * made.unused <= len(made.rows) and len(made.since_base) <= MOST_SINCE_COUNT


async def _collector_paused(work: Awaitable[T]) -> T:
    with _no_cyclic_collection():
        return await work


def _paused(work: Callable[P, T]) -> Callable[P, T]:
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        with _no_cyclic_collection():
            return work(*args, **kwargs)

    return paused


def _frozen() -> None:
    """Everything alive now moved to the collector's permanent generation (`gc.freeze`), after
    a full collection (so that no garbage is pinned): a full count's census and release hold
    containers of half a million to a million references that live until the next full count,
    and the collector's passes over them (35 ms when they leave the young generations, 60 ms
    in each full collection at a million customers) would fall on whichever request is
    running, research or not. Frozen objects are still freed by reference counting when a
    later count replaces them; a cycle among objects alive now that dies later is not
    collected (a few per full count: a worker's first, and after each purge's compaction)."""
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def _no_cyclic_collection() -> Iterator[None]:
    """Python's cyclic collector paused while a census or a release is made: they make
    millions of tuples, none in a cycle, and each full collection would walk every one of them
    (a quarter of the time at a million customers). Reference counting still frees
    everything; the collector resumes afterwards (unless something else had paused it)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


async def _shared(future: Awaitable[T]) -> T:
    """Await a computation without cancelling it for the others when this request goes."""
    return await asyncio.shield(future)


async def current_census() -> Census:
    """The population as it is now (the research aggregates count it)."""
    return (await _census())[1]


async def warm(key: bytes) -> int:
    """The current version's census and its release under `key` made now, as the first
    research request would make them (the server's start, when asked: CRM_RESEARCH_WARM), so
    that no request waits for a full count; returns how many customers were counted."""
    await current_release(key)
    return len(await current_census())


async def current_release(key: bytes) -> Release:
    """The released rows under `key` for the population as it is now."""
    releases, counted = await _census()
    future = releases.get(key)
    if not _usable(future):
        slot = _slot()
        future = asyncio.ensure_future(_release(key, slot.made.get(key), counted))
        releases[key] = future
        slot.made[key] = (future, counted)
    assert future is not None
    return await _shared(future)


async def _release(
    key: bytes, made: tuple[asyncio.Future[Release], Census] | None, counted: Census
) -> Release:
    """The release of `counted`: merged from the last one made under `key` (awaited if it is
    still being made, so that changes in quick succession each merge rather than all count
    everyone), or made afresh if there is none or it failed."""
    if made is not None and made[1] is not counted:
        previous, was = await _made(made[0]), made[1]
        if previous is not None:
            return await asyncio.to_thread(_paused(merged), key, previous, was, counted)
    release = await asyncio.to_thread(_paused(research_rows), key, counted)
    if len(counted) >= FROZEN_FROM:
        await asyncio.to_thread(_frozen)
    return release
