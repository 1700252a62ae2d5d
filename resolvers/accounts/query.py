"""Queries about one's own account: who am I, my sessions, my API tokens."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from auth.admin import password_change_due
from auth.sessions import SessionPolicy, ends_at
from directives.policy import DECLARABLE
from directives.vocabulary import Role
from models import Account, ApiToken, Session
from resolvers.paging import fetch_page
from schema.accounts.account import Me
from schema.accounts.auth_types import ApiTokenInfo, SessionInfo
from schema.accounts.listing import AccountConnection, AccountInfo
from schema.audit.catalog import PurposeInfo
from schema.context import Info, caller_of
from schema.page import PageRequest


@strawberry.type
class AccountQuery:
    @strawberry.field(description="The calling account.")
    async def me(self, info: Info) -> Me:
        caller = caller_of(info)
        account = await Account.get(id=caller.account_id)
        due = password_change_due(
            account.password_changed_at, account.password_reminder, datetime.now(UTC)
        )
        session = info.context.session
        auth = info.context.auth
        policy = auth.sessions if auth is not None else SessionPolicy()
        return Me.from_model(
            account,
            stage=caller.stage,
            due=due,
            purposes=[
                PurposeInfo(code=p, description=p.description)
                for p in sorted(DECLARABLE[caller.role])
            ],
            session_expires_at=ends_at(session, policy) if session is not None else None,
        )

    @strawberry.field(description="Your live sessions.")
    async def my_sessions(self, info: Info) -> list[SessionInfo]:
        caller = caller_of(info)
        rows = await Session.filter(account_id=caller.account_id, revoked_at=None).order_by("id")
        return [SessionInfo.from_model(r, current_id=caller.session_id) for r in rows]

    @strawberry.field(description="Your API tokens (never the token itself).")
    async def my_api_tokens(self, info: Info) -> list[ApiTokenInfo]:
        rows = await ApiToken.filter(account_id=caller_of(info).account_id).order_by("id")
        return [ApiTokenInfo.from_model(r) for r in rows]

    @strawberry.field(
        description="Every account (administration, audit), by id: login, role, states. "
        "Filter by role or by disabled; never a password, secret or person's value."
    )
    async def accounts(
        self,
        role: Role | None = None,
        disabled: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> AccountConnection:
        query = Account.all()
        if role is not None:
            query = query.filter(role=role)
        if disabled is not None:
            query = query.filter(disabled=disabled)
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return AccountConnection(
            nodes=[AccountInfo.from_model(r) for r in rows], page_info=page, count=query.count
        )
