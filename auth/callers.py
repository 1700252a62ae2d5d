"""Who is calling: a session (cookie or bearer) or an API token, checked on every request."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from auth.sessions import SessionPolicy, find_session
from directives.context import Caller
from models import Account, Activation, ApiToken, Session, Stage
from models.tokens import hash_token


@dataclass(frozen=True, slots=True)
class Resolved:
    caller: Caller
    session: Session | None  # None for API tokens


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _caller(account: Account, session: Session | None) -> Caller:
    return Caller(
        account_id=account.id,
        login=account.login,
        role=account.role,
        customer_id=account.customer_id,
        agent_id=account.agent_id,
        stage=session.stage if session else Stage.FULL,
        session_id=session.id if session else None,
    )


async def _usable(account_id: int) -> Account | None:
    """Enabled and activated: a login bound to a person acts only once the person activated
    it (auth.binding), whatever credential was issued for it."""
    return await Account.get_or_none(id=account_id, disabled=False, activation=Activation.ACTIVE)


async def from_session_token(
    token: str, *, policy: SessionPolicy, now: datetime, browser: bool
) -> Resolved | None:
    if len(token) > 256:
        return None
    session = await find_session(token, policy=policy, now=now)
    if session is None or session.browser != browser:
        return None
    account = await _usable(session.account_id)
    return Resolved(_caller(account, session), session) if account else None


async def from_bearer(
    token: str | None, *, policy: SessionPolicy, now: datetime
) -> Resolved | None:
    """A bearer session token, else a named API token (scoped to its account's role)."""
    if not token or len(token) > 256:
        return None
    resolved = await from_session_token(token, policy=policy, now=now, browser=False)
    if resolved is not None:
        return resolved
    api = await ApiToken.get_or_none(token_hash=hash_token(token), revoked_at=None)
    if api is None or (api.expires_at is not None and api.expires_at <= now):
        return None
    account = await _usable(api.account_id)
    if account is None or account.role.value != api.role:
        return None
    if api.last_used_at is None or (now - api.last_used_at).total_seconds() > 60:
        await ApiToken.filter(id=api.id).update(last_used_at=now)
    return Resolved(_caller(account, None), None)


def csrf_matches(session: Session, header: str | None) -> bool:
    return bool(header) and hmac.compare_digest(session.csrf_hash, hash_token(header or ""))
