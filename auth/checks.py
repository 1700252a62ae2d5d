"""Credential checks, each counted by the throttle BEFORE it runs (see throttle.reserve)."""

from __future__ import annotations

import asyncio

from tortoise.expressions import Q

from auth import throttle
from auth.attempt import Attempt
from auth.events import Kind
from auth.passwords import Verified, verify_password
from auth.totp import matching_step, normalise_recovery_code
from directives.errors import ErrorCode, PrivacyError
from models import Account, RecoveryCode


async def reserve(attempt: Attempt, keys: list[str]) -> int:
    try:
        return await throttle.reserve(keys, attempt.now)
    except throttle.Throttled as blocked:
        seconds = max(1, int((blocked.until - attempt.now).total_seconds()))
        raise PrivacyError(
            ErrorCode.LOGIN_THROTTLED, "Too many attempts; try again later.", retryAfter=seconds
        ) from None


async def verify_in_thread(stored: str | None, password: str) -> Verified:
    """argon2 takes ~40 ms of CPU: off the event loop, so other requests go on meanwhile."""
    return await asyncio.to_thread(verify_password, stored, password)


async def failed(
    attempt: Attempt, count: int, account: Account | None, kind: Kind, code: ErrorCode, text: str
) -> PrivacyError:
    await attempt.event(kind, account)
    if count >= throttle.LOCK_AFTER:
        await attempt.event(Kind.LOCKOUT, account, detail=kind.value)
    return PrivacyError(code, text)


async def check_password(attempt: Attempt, account: Account, password: str) -> None:
    """The current password of a logged-in account (re-authentication)."""
    keys = [
        throttle.login_key(attempt.config.box, account.login),
        throttle.address_key(attempt.client_address),
    ]
    count = await reserve(attempt, keys)
    if not (await verify_in_thread(account.password_hash, password)).ok:
        raise await failed(
            attempt,
            count,
            account,
            Kind.LOGIN_FAILURE,
            ErrorCode.LOGIN_FAILED,
            "The current password is wrong.",
        )
    await throttle.succeeded(reset=keys[0], release=keys[1])


async def check_second_factor(
    attempt: Attempt, account: Account, code: str | None, recovery_code: str | None
) -> None:
    keys = [throttle.totp_key(account.id), throttle.address_key(attempt.client_address)]
    count = await reserve(attempt, keys)
    if not await _second_factor(attempt, account, code, recovery_code):
        raise await failed(
            attempt,
            count,
            account,
            Kind.TOTP_FAILURE,
            ErrorCode.TOTP_INVALID,
            "The code is not valid.",
        )
    await throttle.succeeded(reset=keys[0], release=keys[1])


async def _second_factor(
    attempt: Attempt, account: Account, code: str | None, recovery_code: str | None
) -> bool:
    if recovery_code:
        used = await RecoveryCode.filter(
            account_id=account.id,
            code_hash=attempt.config.box.mac(normalise_recovery_code(recovery_code)),
            used_at=None,
        ).update(used_at=attempt.now)
        if used:
            await attempt.event(Kind.RECOVERY_CODE_USED, account)
        return bool(used)
    if not code or not account.totp_secret:
        return False
    step = matching_step(attempt.config.box.open(account.totp_secret), code.strip(), attempt.now)
    return step is not None and await _claim_step(attempt, account, step)


async def _claim_step(attempt: Attempt, account: Account, step: int) -> bool:
    """Accept a time step once: only one concurrent request can raise the last step."""
    claimed = await Account.filter(
        Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step), id=account.id
    ).update(totp_last_step=step)
    if not claimed:
        await attempt.event(Kind.TOTP_REPLAY, account)
    return bool(claimed)
