"""Queries about accounts: one's own sessions and tokens; for auditors, the security events
and the access log (P6.1)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from directives.vocabulary import Role
from models import AccessLogEntry, ApiToken, SecurityEvent, Session
from resolvers.paging import fetch_page
from resolvers.permissions import allow
from resolvers.people.query import Info, caller_of
from schema.accounts.auth_types import (
    AccessLogConnection,
    AccessLogInfo,
    ApiTokenInfo,
    SecurityEventConnection,
    SecurityEventInfo,
    SessionInfo,
)
from schema.page import PageRequest


@strawberry.type
class AccountQuery:
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
        description="Security events (ASVS V16), oldest first.",
        permission_classes=[allow(Role.AUDITOR)],
    )
    async def security_events(
        self,
        kind: str | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> SecurityEventConnection:
        query = SecurityEvent.all()
        if kind is not None:
            query = query.filter(kind=kind)
        if actor is not None:
            query = query.filter(actor=actor)
        if since is not None:
            query = query.filter(at__gte=since)
        if until is not None:
            query = query.filter(at__lt=until)
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return SecurityEventConnection(
            nodes=[SecurityEventInfo.from_model(r) for r in rows], page_info=page
        )

    @strawberry.field(
        description="The web access log (P6.1), oldest first.",
        permission_classes=[allow(Role.AUDITOR)],
    )
    async def access_log(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> AccessLogConnection:
        query = AccessLogEntry.all()
        if since is not None:
            query = query.filter(at__gte=since)
        if until is not None:
            query = query.filter(at__lt=until)
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return AccessLogConnection(
            nodes=[AccessLogInfo.from_model(r) for r in rows], page_info=page
        )
