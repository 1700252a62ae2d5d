"""Resolving the caller: one query for a session or an API token and its account, and none of
the refusals lost on the way (revoked, expired, disabled, wrong role, wrong transport)."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from dataclasses import fields
from datetime import timedelta

from tortoise.context import TortoiseContext

from auth import admin
from auth.callers import from_bearer, from_session_token
from auth.lookup import find_credential
from auth.sessions import open_session
from models import Account, ApiToken, Role, Stage
from models.tokens import hash_token
from tests.auth.test_service import PASSWORD, POLICY, T0, _account, at
from tests.conftest import sql_log


class _Statements(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage().lstrip().upper()
        if text.startswith(("SELECT", "UPDATE", "INSERT", "DELETE")):
            self.statements.append(text)


def counting() -> AbstractContextManager[_Statements]:
    return sql_log(_Statements())


async def _token(account: Account) -> str:
    return await admin.create_api_token(
        at(T0), account, "sync", password=PASSWORD, code=None, days=30
    )


async def test_an_api_token_costs_one_query(db: TortoiseContext) -> None:
    token = await _token(await _account("sato", Role.BILLING))
    await from_bearer(token, policy=POLICY, now=T0)  # first use: last_used_at written
    with counting() as seen:
        resolved = await from_bearer(token, policy=POLICY, now=T0 + timedelta(seconds=30))
    assert resolved is not None and resolved.caller.role is Role.BILLING
    assert resolved.session is None
    assert len(seen.statements) == 1, seen.statements


async def test_a_session_token_costs_one_query(db: TortoiseContext) -> None:
    account = await _account("sato", Role.SUPPORT)
    opened = await open_session(account.id, stage=Stage.FULL, browser=False, policy=POLICY, now=T0)
    with counting() as seen:
        resolved = await from_bearer(opened.token, policy=POLICY, now=T0 + timedelta(seconds=30))
    assert resolved is not None and resolved.session is not None
    assert resolved.caller.session_id == opened.session.id and resolved.caller.stage is Stage.FULL
    assert len(seen.statements) == 1, seen.statements


async def test_refused_credentials_resolve_to_nobody(db: TortoiseContext) -> None:
    account = await _account("sato", Role.BILLING)
    token = await _token(account)
    cookie = await open_session(account.id, stage=Stage.FULL, browser=True, policy=POLICY, now=T0)
    bearer = await open_session(account.id, stage=Stage.FULL, browser=False, policy=POLICY, now=T0)
    now = T0 + timedelta(seconds=5)
    # A browser session is not a bearer token, an API token or bearer session not a cookie.
    assert await from_bearer(cookie.token, policy=POLICY, now=now) is None
    assert await from_session_token(token, policy=POLICY, now=now, browser=True) is None
    assert await from_session_token(bearer.token, policy=POLICY, now=now, browser=True) is None
    assert await from_session_token(cookie.token, policy=POLICY, now=now, browser=True)
    # Idle sessions and unknown tokens.
    assert await from_bearer(bearer.token, policy=POLICY, now=T0 + timedelta(hours=1)) is None
    assert await from_bearer("x" * 43, policy=POLICY, now=now) is None
    # A token whose account changed role no longer works; nor anything of a disabled account.
    await Account.filter(id=account.id).update(role=Role.SUPPORT)
    assert await from_bearer(token, policy=POLICY, now=now) is None
    await Account.filter(id=account.id).update(role=Role.BILLING, disabled=True)
    assert await from_bearer(token, policy=POLICY, now=now) is None
    assert await from_bearer(bearer.token, policy=POLICY, now=now) is None
    await Account.filter(id=account.id).update(disabled=False)
    assert await from_bearer(token, policy=POLICY, now=now) is not None
    await ApiToken.filter(account_id=account.id).update(revoked_at=now)
    assert await from_bearer(token, policy=POLICY, now=now) is None


async def test_the_lookup_gives_what_the_models_hold_and_reads_no_secret(
    db: TortoiseContext,
) -> None:
    """The lookup reads the account's and the token's checked columns only (auth.lookup): each
    value as the model has it (an enum a Role, times aware), and never a password hash or a
    TOTP secret."""
    account = await _account("sato", Role.BILLING)
    token = await _token(account)
    await from_bearer(token, policy=POLICY, now=T0)  # last_used_at and expires_at both set
    with counting() as seen:
        found = await find_credential(hash_token(token))
    assert found is not None and found.session is None and found.api_token is not None
    stored = await Account.get(id=account.id)
    row = await ApiToken.get(token_hash=hash_token(token))
    for view, model in ((found.account, stored), (found.api_token, row)):
        for name in (f.name for f in fields(view)):
            assert getattr(view, name) == getattr(model, name), name
            assert type(getattr(view, name)) is type(getattr(model, name)), name
    assert row.last_used_at is not None and row.expires_at is not None
    assert stored.password_hash and "PASSWORD_HASH" not in seen.statements[0]
    assert "TOTP_SECRET" not in seen.statements[0]
