"""Growing delays, then a temporary lock, per login ID, per client address, per TOTP account.

Keys are counted whether or not the login ID exists, so a lock says nothing about existence.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from models import LoginThrottle

FREE_FAILURES = 3  # the first three mistakes cost nothing
LOCK_AFTER = 10
LOCK = timedelta(minutes=15)


def block_for(failures: int) -> timedelta:
    """Blocked 1 s after the 3rd failure, doubling to 64 s after the 9th; 15 min from the 10th."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    if failures >= LOCK_AFTER:
        return LOCK
    return timedelta(seconds=2 ** (failures - FREE_FAILURES))


def login_key(login: str) -> str:
    return "login:" + login.strip().casefold()[:120]


def address_key(address: str | None) -> str:
    return "addr:" + (address or "-")


def totp_key(account_id: int) -> str:
    return f"totp:{account_id}"


async def blocked_until(keys: Iterable[str], now: datetime) -> datetime | None:
    rows = await LoginThrottle.filter(key__in=list(keys), blocked_until__gt=now)
    return max((r.blocked_until for r in rows if r.blocked_until), default=None)


async def failed(keys: Iterable[str], now: datetime) -> None:
    for key in keys:
        updated = await LoginThrottle.filter(key=key).update(
            failures=F("failures") + 1, updated_at=now
        )
        if not updated:
            try:
                await LoginThrottle.create(key=key, failures=1, updated_at=now)
            except IntegrityError:  # created meanwhile by a concurrent failure
                await LoginThrottle.filter(key=key).update(failures=F("failures") + 1)
        row = await LoginThrottle.get(key=key)
        delay = block_for(row.failures)
        if delay:
            await LoginThrottle.filter(key=key).update(blocked_until=now + delay)


async def succeeded(keys: Iterable[str]) -> None:
    await LoginThrottle.filter(key__in=list(keys)).delete()
