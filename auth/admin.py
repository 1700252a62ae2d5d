"""Administration of accounts (ADMIN) and of one's own API tokens. Every action is a security
event naming who did it (the administrator) and to whom."""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime, timedelta

from auth import binding
from auth.attempt import Attempt
from auth.checks import check_password, check_second_factor
from auth.events import Kind
from auth.passwords import hash_password
from auth.service import initial_password
from auth.sessions import revoke_credentials
from directives.errors import ErrorCode, PrivacyError
from directives.reasons import ReasonCode, refused
from models import Account, ApiToken, Reminder, Role
from models.tokens import hash_token

DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365
REMINDER_INTERVAL = {Reminder.WEEKLY: timedelta(days=7), Reminder.MONTHLY: timedelta(days=30)}


def password_change_due(changed_at: datetime | None, reminder: Reminder, now: datetime) -> bool:
    """P4.4 recommends frequent changes: remind, never force."""
    interval = REMINDER_INTERVAL.get(reminder)
    return interval is not None and (changed_at is None or changed_at + interval <= now)


async def _account(login_id: str) -> Account:
    account = await Account.get_or_none(login=login_id)
    if account is None:
        raise PrivacyError(ErrorCode.NOT_FOUND, "No such account.")
    return account


def _check_new_account(
    role: Role, login_id: str, customer_id: int | None, agent_id: int | None
) -> None:
    if not login_id or len(login_id) > 64 or not login_id.replace("-", "").isalnum():
        raise refused(
            ReasonCode.INVALID_VALUE,
            "Login IDs are 1-64 letters, digits or '-'.",
            fields=["login"],
        )
    if (role is Role.CUSTOMER) != (customer_id is not None) or (
        (role is Role.AGENT) != (agent_id is not None)
    ):
        raise refused(ReasonCode.RECORD_REQUIRED, "Customers and agents need their record.")


async def create_account(
    attempt: Attempt,
    *,
    admin: str,
    login_id: str,
    role: Role,
    customer_id: int | None,
    agent_id: int | None,
) -> str | None:
    """Staff: a new account with a random first password that must be changed at first login
    (returned, shown once). Customers and agents: a request to bind a login to that person,
    which another administrator approves and the person activates (auth.binding); no
    password exists until the person chooses one, so None is returned."""
    _check_new_account(role, login_id, customer_id, agent_id)
    if await Account.exists(login=login_id):
        raise refused(ReasonCode.LOGIN_TAKEN, "That login ID is taken.", fields=["login"])
    person = binding.person_of(role, customer_id, agent_id)
    if person is not None:
        await binding.request(attempt, admin=admin, login_id=login_id, role=role, person=person)
        return None
    password = initial_password()
    account = await Account.create(
        login=login_id,
        role=role,
        password_hash=await asyncio.to_thread(hash_password, password),
        password_changed_at=attempt.now,
        must_change_password=True,
        created_by=admin,
    )
    await attempt.event(Kind.ACCOUNT_CREATED, account, detail=login_id, actor=admin)
    return password


async def set_disabled(attempt: Attempt, *, admin: str, login_id: str, disabled: bool) -> None:
    """Disabling ends every session and API token of the account."""
    account = await _account(login_id)
    await Account.filter(id=account.id).update(disabled=disabled)
    if disabled:
        await revoke_credentials(account.id, attempt.now)
    kind = Kind.ACCOUNT_DISABLED if disabled else Kind.ACCOUNT_ENABLED
    await attempt.event(kind, account, detail=login_id, actor=admin)


async def flag_compromised(attempt: Attempt, *, admin: str, login_id: str) -> None:
    """Suspected compromise: the one case where a password change is forced. Every session
    and API token of the account stops working."""
    account = await _account(login_id)
    await Account.filter(id=account.id).update(must_change_password=True)
    await revoke_credentials(account.id, attempt.now)
    await attempt.event(Kind.COMPROMISE_FLAGGED, account, detail=login_id, actor=admin)


async def create_api_token(
    attempt: Attempt,
    account: Account,
    name: str,
    *,
    password: str,
    code: str | None,
    days: int = DEFAULT_TOKEN_DAYS,
) -> str:
    """Re-authenticated (password, and a TOTP code where enrolled): a stolen session alone
    cannot mint a lasting credential. Every token expires (1-365 days)."""
    if not name or len(name) > 64:
        raise refused(ReasonCode.INVALID_VALUE, "Token names are 1-64 characters.", fields=["name"])
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise refused(
            ReasonCode.INVALID_VALUE, f"A token lives 1..{MAX_TOKEN_DAYS} days.", fields=["days"]
        )
    await check_password(attempt, account, password)
    if account.totp_confirmed:
        await check_second_factor(attempt, account, code, None)
    if await ApiToken.exists(account_id=account.id, name=name):
        raise refused(
            ReasonCode.TOKEN_NAME_TAKEN, "A token with that name exists.", fields=["name"]
        )
    token = secrets.token_urlsafe(32)
    await ApiToken.create(
        name=name,
        token_hash=hash_token(token),
        account_id=account.id,
        role=account.role.value,
        expires_at=attempt.now + timedelta(days=days),
    )
    await attempt.event(Kind.API_TOKEN_CREATED, account, detail=name)
    return token


async def revoke_api_token(attempt: Attempt, account: Account, name: str) -> None:
    revoked = await ApiToken.filter(account_id=account.id, name=name, revoked_at=None).update(
        revoked_at=attempt.now
    )
    if not revoked:
        raise PrivacyError(ErrorCode.NOT_FOUND, "No such token.")
    await attempt.event(Kind.API_TOKEN_REVOKED, account, detail=name)
