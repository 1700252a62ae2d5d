"""API-token callers checked lately (auth.recent): which start at once, for how long, and what
the lookup made during the request says of them."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

import auth.recent
from auth.callers import Resolved
from auth.recent import RecentCallers
from directives.context import Caller, PartnerReach
from directives.vocabulary import Role
from models import Session

BILLING = Resolved(Caller(account_id=1, login="sato", role=Role.BILLING), None)


class Lookups:
    """A lookup giving `gives` (or raising it), counting its calls, held back until released."""

    def __init__(self, gives: Resolved | Exception | None = BILLING) -> None:
        self.gives, self.calls = gives, 0
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self) -> Resolved | None:
        self.calls += 1
        await self.release.wait()
        if isinstance(self.gives, Exception):
            raise self.gives
        return self.gives


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(RecentCallers, "_now", staticmethod(lambda: now[0]))
    return now


async def test_a_token_checked_lately_starts_before_its_lookup_is_back(clock: list[float]) -> None:
    recent, lookup = RecentCallers(), Lookups()
    assert await recent.resolve("t", lookup) == (BILLING, None)  # first: looked up, waited for
    lookup.release.clear()
    clock[0] += 4.9
    resolved, confirmation = await recent.resolve("t", lookup)
    assert resolved == BILLING and confirmation is not None
    await asyncio.sleep(0)
    assert lookup.calls == 2  # the lookup runs beside...
    lookup.release.set()
    assert await confirmation() and await confirmation()  # ... once, however often awaited
    assert lookup.calls == 2


async def test_a_check_older_than_the_window_is_made_again_first(clock: list[float]) -> None:
    recent, lookup = RecentCallers(), Lookups()
    await recent.resolve("t", lookup)
    clock[0] += auth.recent.RECHECK_WITHIN
    assert await recent.resolve("t", lookup) == (BILLING, None)
    clock[0] += 1
    assert (await recent.resolve("t", lookup))[1] is not None  # the window counts from then


@pytest.mark.parametrize(
    "now",
    [
        None,  # revoked, expired, the account disabled or its role changed: nobody
        replace(BILLING, caller=replace(BILLING.caller, role=Role.SUPPORT)),
        replace(BILLING, caller=replace(BILLING.caller, login="sato2")),
    ],
)
async def test_a_caller_the_lookup_no_longer_gives_is_not_confirmed(
    clock: list[float], now: Resolved | None
) -> None:
    recent, lookup = RecentCallers(), Lookups()
    await recent.resolve("t", lookup)
    lookup.gives = now
    resolved, confirmation = await recent.resolve("t", lookup)
    assert resolved == BILLING and confirmation is not None
    assert not await confirmation()
    # The next request starts from what the lookup gave: nobody is looked up first.
    after, again = await recent.resolve("t", lookup)
    assert after == now
    assert (again is None) is (now is None)


async def test_a_failed_lookup_confirms_nothing_and_is_forgotten(clock: list[float]) -> None:
    recent, lookup = RecentCallers(), Lookups()
    await recent.resolve("t", lookup)
    lookup.gives = ConnectionError("database gone")
    _, confirmation = await recent.resolve("t", lookup)
    assert confirmation is not None and not await confirmation()
    with pytest.raises(ConnectionError):  # the next request meets the failure itself
        await recent.resolve("t", lookup)


def _session() -> Session:
    return Session(id=7, account_id=1, token_hash="h", csrf_hash="c", browser=False)


@pytest.mark.parametrize(
    "kind",
    [
        replace(BILLING, session=_session()),  # sessions: each use extends the idle timeout
        replace(
            BILLING,
            caller=replace(
                BILLING.caller, role=Role.PARTNER, partner=PartnerReach(1, "株式会社", {})
            ),
        ),  # an option provider's reach is read with its account
    ],
)
async def test_sessions_and_partners_are_always_looked_up_first(
    clock: list[float], kind: Resolved
) -> None:
    recent, lookup = RecentCallers(), Lookups(kind)
    for _ in range(3):
        assert await recent.resolve("t", lookup) == (kind, None)
    assert lookup.calls == 3


async def test_the_map_keeps_the_most_recently_used_tokens(clock: list[float]) -> None:
    recent, lookup = RecentCallers(size=2), Lookups()
    for token in ("a", "b", "a", "c"):  # c pushes out b, the least recently used
        _, confirmation = await recent.resolve(token, lookup)
        if confirmation is not None:
            await confirmation()
    _, kept = await recent.resolve("a", lookup)
    assert kept is not None and await kept()
    assert (await recent.resolve("b", lookup))[1] is None


async def test_an_older_lookup_back_last_does_not_undo_a_newer_one(clock: list[float]) -> None:
    recent, slow = RecentCallers(), Lookups()
    await recent.resolve("t", slow)
    slow.release.clear()
    _, first = await recent.resolve("t", slow)  # started at 1000
    clock[0] += 1
    revoked = Lookups(None)
    _, second = await recent.resolve("t", revoked)  # started at 1001: says nobody
    assert second is not None and not await second()
    slow.release.set()
    assert first is not None and await first()  # it gave the same caller, as of 1000 ...
    assert await recent.resolve("t", revoked) == (None, None)  # ... but 1001's answer stands
