"""The login flow and account self-service, as plain async functions over the models.

Login is a sequence of stages (models.Stage): password, then TOTP when enrolled, then a new
password when a compromise was flagged, then TOTP enrolment for roles that must have it.
Each step revokes the step's session and opens a new one with a new token (ASVS 7.2.4).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tortoise.expressions import Q

from auth import events, throttle
from auth.events import Kind
from auth.passwords import hash_password, problems, verify_password
from auth.secrets_box import SecretBox
from auth.sessions import Opened, SessionPolicy, open_session, revoke, revoke_all
from auth.totp import (
    matching_step,
    new_recovery_codes,
    new_secret,
    normalise_recovery_code,
    provisioning_uri,
    qr_svg,
)
from directives.errors import ErrorCode, PrivacyError
from models import Account, RecoveryCode, Role, Session, Stage

# TOTP is mandatory for every staff role and for agents; optional for customers.
TOTP_OPTIONAL: frozenset[Role] = frozenset({Role.CUSTOMER})


@dataclass(frozen=True, slots=True)
class AuthConfig:
    box: SecretBox
    sessions: SessionPolicy = field(default_factory=SessionPolicy)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One request's view: configuration, where it comes from, and when."""

    config: AuthConfig
    client_address: str | None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    async def event(self, kind: Kind, account: Account | None, detail: str = "") -> None:
        await events.record(
            kind,
            actor=account.login if account else None,
            account_id=account.id if account else None,
            client_address=self.client_address,
            detail=detail,
        )


def next_stage(account: Account, *, totp_done: bool) -> Stage:
    if account.totp_confirmed and not totp_done:
        return Stage.PENDING_TOTP
    if account.must_change_password:
        return Stage.PASSWORD_CHANGE
    if account.role not in TOTP_OPTIONAL and not account.totp_confirmed:
        return Stage.TOTP_ENROLMENT
    return Stage.FULL


async def _advance(
    attempt: Attempt, account: Account, session: Session | None, *, totp_done: bool, browser: bool
) -> Opened:
    if session is not None:
        await revoke(session.id, attempt.now)
    stage = next_stage(account, totp_done=totp_done)
    opened = await open_session(
        account.id, stage=stage, browser=browser, policy=attempt.config.sessions, now=attempt.now
    )
    if stage is Stage.FULL:
        await attempt.event(Kind.LOGIN_SUCCESS, account)
    return opened


async def _refuse_if_throttled(attempt: Attempt, keys: list[str]) -> None:
    until = await throttle.blocked_until(keys, attempt.now)
    if until is not None:
        seconds = max(1, int((until - attempt.now).total_seconds()))
        raise PrivacyError(
            ErrorCode.LOGIN_THROTTLED, "Too many attempts; try again later.", retryAfter=seconds
        )


async def _count_failure(
    attempt: Attempt, keys: list[str], account: Account | None, kind: Kind
) -> None:
    await throttle.failed(keys, attempt.now)
    await attempt.event(kind, account)
    if await throttle.blocked_until(keys, attempt.now + throttle.LOCK / 2):
        await attempt.event(Kind.LOCKOUT, account, detail=kind.value)


async def login(attempt: Attempt, *, login_id: str, password: str, browser: bool) -> Opened:
    """Password step. The same error, and the same work, for an unknown ID."""
    keys = [throttle.login_key(login_id), throttle.address_key(attempt.client_address)]
    await _refuse_if_throttled(attempt, keys)
    account = await Account.get_or_none(login=login_id.strip())
    verified = verify_password(account.password_hash if account else None, password)
    if account is None or account.disabled or not verified.ok:
        await _count_failure(attempt, keys, account, Kind.LOGIN_FAILURE)
        raise PrivacyError(ErrorCode.LOGIN_FAILED, "Login ID or password is wrong.")
    if verified.rehash:
        await Account.filter(id=account.id).update(password_hash=verified.rehash)
    await throttle.succeeded(keys[:1])  # the address keeps its count: other IDs may be guessed
    return await _advance(attempt, account, None, totp_done=False, browser=browser)


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
    if step is None:
        return False
    return await _claim_step(attempt, account, step)


async def _claim_step(attempt: Attempt, account: Account, step: int) -> bool:
    """Accept a time step once: only one concurrent request can raise the last step."""
    claimed = await Account.filter(
        Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step), id=account.id
    ).update(totp_last_step=step)
    if not claimed:
        await attempt.event(Kind.TOTP_REPLAY, account)
    return bool(claimed)


async def _check_second_factor(
    attempt: Attempt, account: Account, code: str | None, recovery_code: str | None
) -> None:
    keys = [throttle.totp_key(account.id), throttle.address_key(attempt.client_address)]
    await _refuse_if_throttled(attempt, keys)
    if not await _second_factor(attempt, account, code, recovery_code):
        await _count_failure(attempt, keys, account, Kind.TOTP_FAILURE)
        raise PrivacyError(ErrorCode.TOTP_INVALID, "The code is not valid.")
    await throttle.succeeded(keys[:1])


def _require_stage(session: Session, *stages: Stage) -> None:
    if session.stage not in stages:
        raise PrivacyError(ErrorCode.LOGIN_STEP_REQUIRED, "This step does not apply now.")


async def verify_totp(
    attempt: Attempt, session: Session, *, code: str | None, recovery_code: str | None
) -> Opened:
    _require_stage(session, Stage.PENDING_TOTP)
    account = await Account.get(id=session.account_id)
    await _check_second_factor(attempt, account, code, recovery_code)
    return await _advance(attempt, account, session, totp_done=True, browser=session.browser)


@dataclass(frozen=True, slots=True)
class Enrolment:
    uri: str
    svg: str


async def begin_enrolment(attempt: Attempt, session: Session) -> Enrolment:
    _require_stage(session, Stage.TOTP_ENROLMENT, Stage.FULL)
    account = await Account.get(id=session.account_id)
    if account.totp_confirmed:
        raise PrivacyError(ErrorCode.TOTP_ALREADY_ENROLLED, "Reset two-factor login first.")
    secret = new_secret()
    await Account.filter(id=account.id).update(
        totp_secret=attempt.config.box.seal(secret), totp_last_step=None
    )
    uri = provisioning_uri(secret, account.login)
    return Enrolment(uri=uri, svg=qr_svg(uri))


async def confirm_enrolment(
    attempt: Attempt, session: Session, *, code: str
) -> tuple[Opened | None, list[str]]:
    """The first valid code activates TOTP; returns ten recovery codes, shown only now."""
    _require_stage(session, Stage.TOTP_ENROLMENT, Stage.FULL)
    account = await Account.get(id=session.account_id)
    if account.totp_confirmed or not account.totp_secret:
        raise PrivacyError(ErrorCode.LOGIN_STEP_REQUIRED, "Start enrolment first.")
    await _check_second_factor(attempt, account, code, None)
    codes = new_recovery_codes()
    await RecoveryCode.filter(account_id=account.id).delete()
    await RecoveryCode.bulk_create(
        [
            RecoveryCode(
                account_id=account.id, code_hash=attempt.config.box.mac(normalise_recovery_code(c))
            )
            for c in codes
        ]
    )
    await Account.filter(id=account.id).update(totp_confirmed=True)
    await attempt.event(Kind.TOTP_ENROLLED, account)
    if session.stage is Stage.FULL:
        return None, codes
    account.totp_confirmed = True
    return await _advance(attempt, account, session, totp_done=True, browser=session.browser), codes


async def reset_totp(
    attempt: Attempt,
    session: Session,
    *,
    password: str,
    code: str | None,
    recovery_code: str | None,
) -> Opened | None:
    """Needs the password and a current code or a recovery code. Roles that must have TOTP
    go back to enrolment."""
    _require_stage(session, Stage.FULL)
    account = await Account.get(id=session.account_id)
    await _check_password(attempt, account, password)
    await _check_second_factor(attempt, account, code, recovery_code)
    await Account.filter(id=account.id).update(
        totp_secret=None, totp_confirmed=False, totp_last_step=None
    )
    await RecoveryCode.filter(account_id=account.id).delete()
    await attempt.event(Kind.TOTP_RESET, account)
    account.totp_confirmed = False
    if next_stage(account, totp_done=True) is Stage.FULL:
        return None
    return await _advance(attempt, account, session, totp_done=True, browser=session.browser)


async def _check_password(attempt: Attempt, account: Account, password: str) -> None:
    keys = [throttle.login_key(account.login), throttle.address_key(attempt.client_address)]
    await _refuse_if_throttled(attempt, keys)
    if not verify_password(account.password_hash, password).ok:
        await _count_failure(attempt, keys, account, Kind.LOGIN_FAILURE)
        raise PrivacyError(ErrorCode.LOGIN_FAILED, "The current password is wrong.")


def check_new_password(password: str, login_id: str) -> None:
    found = problems(password, login=login_id)
    if found:
        raise PrivacyError(
            ErrorCode.PASSWORD_REJECTED,
            "Choose a passphrase of 15 or more characters, or 10 or more mixing letters, "
            "digits and symbols; not a common password, not containing your login ID.",
            problems=[p.value for p in found],
        )


async def change_password(
    attempt: Attempt, session: Session, *, current: str, new: str
) -> Opened | None:
    """Requires the current password; revokes the account's other sessions."""
    _require_stage(session, Stage.FULL, Stage.PASSWORD_CHANGE)
    account = await Account.get(id=session.account_id)
    await _check_password(attempt, account, current)
    check_new_password(new, account.login)
    await Account.filter(id=account.id).update(
        password_hash=hash_password(new),
        password_changed_at=attempt.now,
        must_change_password=False,
    )
    await revoke_all(account.id, attempt.now, keep=session.id)
    await attempt.event(Kind.PASSWORD_CHANGE, account)
    if session.stage is Stage.FULL:
        return None
    account.must_change_password = False
    return await _advance(attempt, account, session, totp_done=True, browser=session.browser)


def initial_password() -> str:
    """A random first password (shown once); the account must change it at first login."""
    return secrets.token_urlsafe(18)
