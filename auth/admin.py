"""Administration of accounts and API tokens (ADMIN, and each account for its own tokens)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from auth.events import Kind
from auth.passwords import hash_password
from auth.service import Attempt, initial_password
from auth.sessions import revoke_all
from directives.errors import ErrorCode, PrivacyError
from models import Account, ApiToken, Reminder, Role
from models.tokens import hash_token

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


async def create_account(
    attempt: Attempt, *, login_id: str, role: Role, customer_id: int | None, agent_id: int | None
) -> str:
    """A new account with a random first password that must be changed at first login."""
    if not login_id or len(login_id) > 64 or not login_id.replace("-", "").isalnum():
        raise PrivacyError(ErrorCode.BAD_INPUT, "Login IDs are 1-64 letters, digits or '-'.")
    if (role is Role.CUSTOMER) != (customer_id is not None) or (
        (role is Role.AGENT) != (agent_id is not None)
    ):
        raise PrivacyError(ErrorCode.BAD_INPUT, "Customers and agents need their record.")
    if await Account.exists(login=login_id):
        raise PrivacyError(ErrorCode.BAD_INPUT, "That login ID is taken.")
    password = initial_password()
    account = await Account.create(
        login=login_id,
        role=role,
        customer_id=customer_id,
        agent_id=agent_id,
        password_hash=hash_password(password),
        password_changed_at=attempt.now,
        must_change_password=True,
    )
    await attempt.event(Kind.ACCOUNT_CREATED, account)
    return password


async def set_disabled(attempt: Attempt, *, login_id: str, disabled: bool) -> None:
    """Disabling ends every session of the account (its API tokens stop working too)."""
    account = await _account(login_id)
    await Account.filter(id=account.id).update(disabled=disabled)
    if disabled:
        await revoke_all(account.id, attempt.now)
    await attempt.event(Kind.ACCOUNT_DISABLED if disabled else Kind.ACCOUNT_ENABLED, account)


async def flag_compromised(attempt: Attempt, *, login_id: str) -> None:
    """Suspected compromise: the one case where a password change is forced. Every session
    and API token of the account stops working."""
    account = await _account(login_id)
    await Account.filter(id=account.id).update(must_change_password=True)
    await revoke_all(account.id, attempt.now)
    await ApiToken.filter(account_id=account.id, revoked_at=None).update(revoked_at=attempt.now)
    await attempt.event(Kind.COMPROMISE_FLAGGED, account)


async def create_api_token(attempt: Attempt, account: Account, name: str) -> str:
    if not name or len(name) > 64:
        raise PrivacyError(ErrorCode.BAD_INPUT, "Token names are 1-64 characters.")
    if await ApiToken.exists(account_id=account.id, name=name):
        raise PrivacyError(ErrorCode.BAD_INPUT, "A token with that name exists.")
    token = secrets.token_urlsafe(32)
    await ApiToken.create(
        name=name, token_hash=hash_token(token), account_id=account.id, role=account.role.value
    )
    await attempt.event(Kind.API_TOKEN_CREATED, account)
    return token


async def revoke_api_token(attempt: Attempt, account: Account, name: str) -> None:
    revoked = await ApiToken.filter(account_id=account.id, name=name, revoked_at=None).update(
        revoked_at=attempt.now
    )
    if not revoked:
        raise PrivacyError(ErrorCode.NOT_FOUND, "No such token.")
    await attempt.event(Kind.API_TOKEN_REVOKED, account)
