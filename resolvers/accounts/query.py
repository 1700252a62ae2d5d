"""Queries about one's own account: who am I, my sessions, my API tokens."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from auth.admin import password_change_due
from models import Account, ApiToken, Session
from schema.accounts.account import Me
from schema.accounts.auth_types import ApiTokenInfo, SessionInfo
from schema.context import Info, caller_of


@strawberry.type
class AccountQuery:
    @strawberry.field(description="The calling account.")
    async def me(self, info: Info) -> Me:
        caller = caller_of(info)
        account = await Account.get(id=caller.account_id)
        due = password_change_due(
            account.password_changed_at, account.password_reminder, datetime.now(UTC)
        )
        return Me.from_model(account, stage=caller.stage, due=due)

    @strawberry.field(description="Your live sessions.")
    async def my_sessions(self, info: Info) -> list[SessionInfo]:
        caller = caller_of(info)
        rows = await Session.filter(account_id=caller.account_id, revoked_at=None).order_by("id")
        return [SessionInfo.from_model(r, current_id=caller.session_id) for r in rows]

    @strawberry.field(description="Your API tokens (never the token itself).")
    async def my_api_tokens(self, info: Info) -> list[ApiTokenInfo]:
        rows = await ApiToken.filter(account_id=caller_of(info).account_id).order_by("id")
        return [ApiTokenInfo.from_model(r) for r in rows]
