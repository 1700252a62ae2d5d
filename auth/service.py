"""The login flow: password, then TOTP when enrolled, then a new password when a compromise
was flagged, then TOTP enrolment for roles that must have it (models.Stage).

Each step claims the step's session (so two concurrent requests cannot both advance) and opens
a new one with a new token (ASVS 7.2.4).
"""

from __future__ import annotations

import asyncio
import secrets

from auth import throttle
from auth.attempt import Attempt, AuthConfig
from auth.checks import check_password, check_second_factor, failed, reserve, verify_in_thread
from auth.events import Kind
from auth.passwords import Problem, hash_password, problems
from auth.sessions import Opened, claim, open_session, revoke_credentials
from directives.errors import ErrorCode, PrivacyError
from directives.reasons import ReasonCode
from models import Account, Activation, Role, Session, Stage

__all__ = ["Attempt", "AuthConfig", "change_password", "login", "next_stage", "verify_totp"]

# TOTP is mandatory for every staff role and for agents; optional for customers.
TOTP_OPTIONAL: frozenset[Role] = frozenset({Role.CUSTOMER})


def next_stage(account: Account, *, totp_done: bool) -> Stage:
    if account.totp_confirmed and not totp_done:
        return Stage.PENDING_TOTP
    if account.must_change_password:
        return Stage.PASSWORD_CHANGE
    if account.role not in TOTP_OPTIONAL and not account.totp_confirmed:
        return Stage.TOTP_ENROLMENT
    return Stage.FULL


async def advance(
    attempt: Attempt, account: Account, session: Session | None, *, totp_done: bool, browser: bool
) -> Opened:
    if session is not None and not await claim(session.id, attempt.now):
        raise PrivacyError(ErrorCode.LOGIN_STEP_REQUIRED, "This step was already taken.")
    stage = next_stage(account, totp_done=totp_done)
    opened = await open_session(
        account.id, stage=stage, browser=browser, policy=attempt.config.sessions, now=attempt.now
    )
    if stage is Stage.FULL:
        await attempt.event(Kind.LOGIN_SUCCESS, account)
    return opened


def require_stage(session: Session, *stages: Stage) -> None:
    if session.stage not in stages:
        raise PrivacyError(ErrorCode.LOGIN_STEP_REQUIRED, "This step does not apply now.")


async def login(attempt: Attempt, *, login_id: str, password: str, browser: bool) -> Opened:
    """Password step. The same error, after the same work, for an unknown, disabled or not
    yet activated ID."""
    keys = [
        throttle.login_key(attempt.config.box, login_id),
        throttle.address_key(attempt.client_address),
    ]
    count = await reserve(attempt, keys)
    account = await Account.get_or_none(login=login_id.strip())
    verified = await verify_in_thread(account.password_hash if account else None, password)
    if account is None or not _usable(account) or not verified.ok:
        raise await failed(
            attempt,
            count,
            account,
            Kind.LOGIN_FAILURE,
            ErrorCode.LOGIN_FAILED,
            "Login ID or password is wrong.",
        )
    if verified.rehash:
        await Account.filter(id=account.id).update(password_hash=verified.rehash)
    await throttle.succeeded(reset=keys[0], release=keys[1])
    return await advance(attempt, account, None, totp_done=False, browser=browser)


def _usable(account: Account) -> bool:
    """Enabled, and activated by the person where it is bound to one (auth.binding)."""
    return not account.disabled and account.activation is Activation.ACTIVE


async def verify_totp(
    attempt: Attempt, session: Session, *, code: str | None, recovery_code: str | None
) -> Opened:
    require_stage(session, Stage.PENDING_TOTP)
    account = await Account.get(id=session.account_id)
    await check_second_factor(attempt, account, code, recovery_code)
    return await advance(attempt, account, session, totp_done=True, browser=session.browser)


# The reason a client can put in its own words: the most telling problem found, in this
# order ("a common password" says more than "too short" about "password").
PASSWORD_REASON: dict[Problem, ReasonCode] = {
    Problem.COMMON: ReasonCode.PASSWORD_TOO_COMMON,
    Problem.CONTAINS_LOGIN: ReasonCode.PASSWORD_CONTAINS_LOGIN,
    Problem.TOO_LONG: ReasonCode.PASSWORD_TOO_LONG,
    Problem.TOO_SHORT: ReasonCode.PASSWORD_TOO_SHORT,
    Problem.TOO_SIMPLE: ReasonCode.PASSWORD_TOO_SIMPLE,
}


def check_new_password(password: str, login_id: str) -> None:
    found = problems(password, login=login_id)
    if found:
        raise PrivacyError(
            ErrorCode.PASSWORD_REJECTED,
            "Choose a passphrase of 15 or more characters, or 10 or more mixing letters, "
            "digits and symbols; not a common password, not containing your login ID.",
            problems=[p.value for p in found],
            reason=next(r for p, r in PASSWORD_REASON.items() if p in found).value,
        )


async def change_password(
    attempt: Attempt, session: Session, *, current: str, new: str
) -> Opened | None:
    """Requires the current password; ends the account's other sessions and API tokens."""
    require_stage(session, Stage.FULL, Stage.PASSWORD_CHANGE)
    account = await Account.get(id=session.account_id)
    await check_password(attempt, account, current)
    check_new_password(new, account.login)
    await Account.filter(id=account.id).update(
        password_hash=await asyncio.to_thread(hash_password, new),
        password_changed_at=attempt.now,
        must_change_password=False,
    )
    await revoke_credentials(account.id, attempt.now, keep=session.id)
    await attempt.event(Kind.PASSWORD_CHANGE, account)
    if session.stage is Stage.FULL:
        return None
    account.must_change_password = False
    return await advance(attempt, account, session, totp_done=True, browser=session.browser)


def initial_password() -> str:
    """A random first password (shown once); the account must change it at first login."""
    return secrets.token_urlsafe(18)
