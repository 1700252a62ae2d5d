"""Who is calling: a session (cookie or bearer) or an API token, checked on every request."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from auth.lookup import Found, Holder, find_credential
from auth.partners import partner_reach
from auth.sessions import SessionPolicy, keep_alive
from directives.context import Caller
from models import ApiToken, Role, Session, Stage
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


async def _caller(account: Holder, session: Session | None, now: datetime) -> Caller:
    partner = None
    if account.role is Role.PARTNER:
        partner = await partner_reach(account.provider_id, now.date())
    return Caller(
        account_id=account.id,
        login=account.login,
        role=account.role,
        customer_id=account.customer_id,
        agent_id=account.agent_id,
        stage=session.stage if session else Stage.FULL,
        session_id=session.id if session else None,
        partner=partner,
    )


async def from_session_token(
    token: str, *, policy: SessionPolicy, now: datetime, browser: bool
) -> Resolved | None:
    """A cookie (browser) session: API tokens never travel in cookies."""
    found = await _credential(token)
    if found is None or found.session is None or found.session.browser != browser:
        return None
    if not await keep_alive(found.session, policy=policy, now=now):
        return None
    return Resolved(await _caller(found.account, found.session, now), found.session)


async def from_bearer(
    token: str | None, *, policy: SessionPolicy, now: datetime
) -> Resolved | None:
    """A bearer session token, or a named API token (scoped to its account's role): one
    query finds either, with its account."""
    found = await _credential(token)
    if found is None:
        return None
    if found.session is not None:
        if found.session.browser or not await keep_alive(found.session, policy=policy, now=now):
            return None
        return Resolved(await _caller(found.account, found.session, now), found.session)
    api = found.api_token
    if api is None or (api.expires_at is not None and api.expires_at <= now):
        return None
    if found.account.role.value != api.role:
        return None
    if api.last_used_at is None or (now - api.last_used_at).total_seconds() > 60:
        await ApiToken.filter(id=api.id).update(last_used_at=now)
    return Resolved(await _caller(found.account, None, now), None)


async def _credential(token: str | None) -> Found | None:
    if not token or len(token) > 256:
        return None
    return await find_credential(hash_token(token))


def csrf_matches(session: Session, header: str | None) -> bool:
    return bool(header) and hmac.compare_digest(session.csrf_hash, hash_token(header or ""))
