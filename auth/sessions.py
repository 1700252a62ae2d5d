"""Server-side sessions: opaque 256-bit tokens stored hashed (ASVS 7.2), idle and absolute
timeouts (7.3), revocation on logout, on password change and when an account is disabled."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from models import ApiToken, Session, Stage
from models.tokens import hash_token

TOUCH_EVERY = timedelta(minutes=1)  # write last_seen_at at most once a minute


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)
    unfinished: timedelta = timedelta(minutes=5)  # a login stopped before its last step


@dataclass(frozen=True, slots=True)
class Opened:
    token: str
    csrf: str
    session: Session


async def open_session(
    account_id: int, *, stage: Stage, browser: bool, policy: SessionPolicy, now: datetime
) -> Opened:
    """A new token every time (ASVS 7.2.4): a login step never reuses the previous one."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    lifetime = policy.absolute if stage is Stage.FULL else policy.unfinished
    session = await Session.create(
        token_hash=hash_token(token),
        csrf_hash=hash_token(csrf),
        account_id=account_id,
        stage=stage,
        browser=browser,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
    )
    return Opened(token=token, csrf=csrf, session=session)


async def find_session(token: str, *, policy: SessionPolicy, now: datetime) -> Session | None:
    """The live session for `token`, or None if unknown, revoked, idle or expired."""
    session = await Session.get_or_none(token_hash=hash_token(token), revoked_at=None)
    if session is None or not await keep_alive(session, policy=policy, now=now):
        return None
    return session


async def keep_alive(session: Session, *, policy: SessionPolicy, now: datetime) -> bool:
    """False if the (unrevoked) session is idle or expired; else it is seen now (written at
    most once a minute)."""
    if session.expires_at <= now or session.last_seen_at + policy.idle <= now:
        return False
    if now - session.last_seen_at >= TOUCH_EVERY:
        await Session.filter(id=session.id).update(last_seen_at=now)
        session.last_seen_at = now
    return True


def ends_at(session: Session, policy: SessionPolicy) -> datetime:
    """When this session ends unless used again: the idle timeout from its last use, or the
    absolute timeout if sooner (a page warns before it strikes, ASVS 7.3)."""
    return min(session.expires_at, session.last_seen_at + policy.idle)


async def revoke(session_id: int, now: datetime) -> None:
    await Session.filter(id=session_id, revoked_at=None).update(revoked_at=now)


async def claim(session_id: int, now: datetime) -> bool:
    """Retire a step's session; False if a concurrent request already did (one winner)."""
    return bool(await Session.filter(id=session_id, revoked_at=None).update(revoked_at=now))


async def revoke_credentials(account_id: int, now: datetime, *, keep: int | None = None) -> None:
    """Every session but `keep`, and every API token: after a password change, a TOTP
    change, a suspected compromise or disabling, nothing issued before may go on working."""
    await revoke_all(account_id, now, keep=keep)
    await ApiToken.filter(account_id=account_id, revoked_at=None).update(revoked_at=now)


async def revoke_all(account_id: int, now: datetime, *, keep: int | None = None) -> int:
    query = Session.filter(account_id=account_id, revoked_at=None)
    if keep is not None:
        query = query.exclude(id=keep)
    return await query.update(revoked_at=now)
