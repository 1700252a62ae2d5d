"""TOTP enrolment and reset. Both need proof of the password when done from a full session
(ASVS 7.5.1): a stolen session alone cannot take over the second factor."""

from __future__ import annotations

from dataclasses import dataclass

from auth.attempt import Attempt
from auth.checks import check_password, check_second_factor
from auth.events import Kind
from auth.service import advance, next_stage, require_stage
from auth.sessions import Opened, revoke_credentials
from auth.totp import (
    new_recovery_codes,
    new_secret,
    normalise_recovery_code,
    provisioning_uri,
    qr_svg,
)
from directives.errors import ErrorCode, PrivacyError
from models import Account, RecoveryCode, Session, Stage


@dataclass(frozen=True, slots=True)
class Enrolment:
    uri: str
    svg: str


async def begin_enrolment(attempt: Attempt, session: Session, *, password: str | None) -> Enrolment:
    """A fresh secret as a QR code. From a FULL session the password is asked again; in the
    TOTP_ENROLMENT stage it was just given at login."""
    require_stage(session, Stage.TOTP_ENROLMENT, Stage.FULL)
    account = await Account.get(id=session.account_id)
    if account.totp_confirmed:
        raise PrivacyError(ErrorCode.TOTP_ALREADY_ENROLLED, "Reset two-factor login first.")
    if session.stage is Stage.FULL:
        await check_password(attempt, account, password or "")
    secret = new_secret()
    await Account.filter(id=account.id).update(
        totp_secret=attempt.config.box.seal(secret), totp_last_step=None
    )
    uri = provisioning_uri(secret, account.login)
    return Enrolment(uri=uri, svg=qr_svg(uri))


async def confirm_enrolment(
    attempt: Attempt, session: Session, *, code: str
) -> tuple[Opened | None, list[str]]:
    """The first valid code activates TOTP; returns ten recovery codes, shown only now. The
    account's other sessions and API tokens end: they predate the second factor."""
    require_stage(session, Stage.TOTP_ENROLMENT, Stage.FULL)
    account = await Account.get(id=session.account_id)
    if account.totp_confirmed or not account.totp_secret:
        raise PrivacyError(ErrorCode.LOGIN_STEP_REQUIRED, "Start enrolment first.")
    await check_second_factor(attempt, account, code, None)
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
    await revoke_credentials(account.id, attempt.now, keep=session.id)
    await attempt.event(Kind.TOTP_ENROLLED, account)
    if session.stage is Stage.FULL:
        return None, codes
    account.totp_confirmed = True
    opened = await advance(attempt, account, session, totp_done=True, browser=session.browser)
    return opened, codes


async def reset_totp(
    attempt: Attempt,
    session: Session,
    *,
    password: str,
    code: str | None,
    recovery_code: str | None,
) -> Opened | None:
    """Needs the password and a current code or a recovery code. Ends other sessions and API
    tokens; roles that must have TOTP go back to enrolment."""
    require_stage(session, Stage.FULL)
    account = await Account.get(id=session.account_id)
    await check_password(attempt, account, password)
    await check_second_factor(attempt, account, code, recovery_code)
    await forget_second_factor(account.id)
    await revoke_credentials(account.id, attempt.now, keep=session.id)
    await attempt.event(Kind.TOTP_RESET, account)
    account.totp_confirmed = False
    if next_stage(account, totp_done=True) is Stage.FULL:
        return None
    return await advance(attempt, account, session, totp_done=True, browser=session.browser)


async def forget_second_factor(account_id: int) -> None:
    """The TOTP secret and every recovery code go: the next login enrols again (roles that
    must have one). Inside a transaction, part of it."""
    await Account.filter(id=account_id).update(
        totp_secret=None, totp_confirmed=False, totp_last_step=None
    )
    await RecoveryCode.filter(account_id=account_id).delete()
