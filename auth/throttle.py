"""Growing delays, then a temporary lock, per login ID, per client address, per TOTP account.

Keys are counted whether or not the login ID exists, so a lock says nothing about existence.
A login ID is kept only as a keyed hash (HMAC with the deployment secret): a mistyped ID is
often a password, and the table must not hold it in clear.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.secrets_box import SecretBox
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


def login_key(box: SecretBox, login: str) -> str:
    """The same key for the same ID however it is cased or padded; never the ID itself."""
    return "login:" + box.mac("throttle/login/" + login.strip().casefold())


def address_key(address: str | None) -> str:
    return "addr:" + (address or "-")


def totp_key(account_id: int) -> str:
    return f"totp:{account_id}"


QUIET = timedelta(minutes=15)  # failures older than this are forgotten (a sliding window)


class Throttled(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__("throttled")
        self.until = until


async def reserve(keys: list[str], now: datetime) -> int:
    """Count an attempt BEFORE checking the credential, atomically with the lock check, so
    concurrent guesses cannot all pass a check made before any of them failed. Raises
    `Throttled` (counting nothing) while any key is blocked; returns the highest count."""
    async with in_transaction():
        rows = [await _locked_row(key, now) for key in keys]
        until = max(
            (r.blocked_until for r in rows if r.blocked_until and r.blocked_until > now),
            default=None,
        )
        if until is not None:
            raise Throttled(until)
        for row in rows:
            row.failures = (0 if now - row.updated_at > QUIET else row.failures) + 1
            delay = block_for(row.failures)
            row.blocked_until, row.updated_at = (now + delay if delay else None), now
            await row.save(update_fields=["failures", "blocked_until", "updated_at"])
        return max(row.failures for row in rows)


async def _locked_row(key: str, now: datetime) -> LoginThrottle:
    """The key's row, locked until the caller's transaction ends; made when missing.

    A concurrent request may insert the row first (our insert then conflicts), and another
    request's success may delete it again before we lock it (`succeeded` resets the key), so
    the lookup is tried again until it finds a row: one we made is ours until we commit."""
    while True:
        row = await LoginThrottle.select_for_update().get_or_none(key=key)
        if row is not None:
            return row
        try:
            async with in_transaction():  # a savepoint: a concurrent insert may win
                await LoginThrottle.create(key=key, failures=0, updated_at=now)
        except IntegrityError:
            pass


async def succeeded(*, reset: str, release: str) -> None:
    """The credential was right: forget the ID's (or account's) count, and take this one
    attempt back from the address's count, with the delay it had before it (other IDs may
    still be being guessed from there)."""
    await LoginThrottle.filter(key=reset).delete()
    async with in_transaction():
        row = await LoginThrottle.select_for_update().get_or_none(key=release)
        if row is None or row.failures == 0:
            return
        row.failures -= 1
        delay = block_for(row.failures)
        row.blocked_until = row.updated_at + delay if delay else None
        await row.save(update_fields=["failures", "blocked_until"])
