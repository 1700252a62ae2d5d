"""The root Query: loading and scoping only; values are decided by the enforcement point."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from auth.admin import password_change_due
from directives.context import Caller
from directives.errors import ErrorCode, PrivacyError
from directives.vocabulary import Purpose, Role
from models import Account
from resolvers.audit.query import audit_events
from resolvers.paging import fetch_page
from resolvers.permissions import STAFF, allow
from resolvers.scope import visible_agents, visible_customers
from schema.accounts.account import Me
from schema.people.agent import Agent
from schema.audit.audit_event import AuditEventConnection, AuditFilter
from schema.audit.catalog import CatalogEntry, PurposeInfo
from schema.people.connections import AgentConnection, CustomerConnection
from schema.context import Context
from schema.people.customer import Customer
from schema.page import PageRequest, parse_row_id

Info = strawberry.Info[Context, None]


def caller_of(info: Info) -> Caller:
    caller = info.context.caller
    if caller is None:  # the guard refuses anonymous operations first; belt and braces
        raise PrivacyError(ErrorCode.UNAUTHENTICATED, "Authentication required.")
    return caller


@strawberry.type
class Query:
    @strawberry.field(description="The calling account.")
    async def me(self, info: Info) -> Me:
        caller = caller_of(info)
        account = await Account.get(id=caller.account_id)
        due = password_change_due(
            account.password_changed_at, account.password_reminder, datetime.now(UTC)
        )
        return Me.from_model(account, stage=caller.stage, due=due)

    @strawberry.field(description="One customer in your scope, or null.")
    async def customer(self, info: Info, id: strawberry.ID) -> Customer | None:
        row = await visible_customers(caller_of(info)).get_or_none(id=parse_row_id(id))
        return Customer.from_model(row) if row is not None else None

    @strawberry.field(description="Customers in your scope, by id.")
    async def customers(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> CustomerConnection:
        query = visible_customers(caller_of(info))
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return CustomerConnection(nodes=[Customer.from_model(r) for r in rows], page_info=page)

    @strawberry.field(description="One agent in your scope, or null.")
    async def agent(self, info: Info, id: strawberry.ID) -> Agent | None:
        row = await visible_agents(caller_of(info)).get_or_none(id=parse_row_id(id))
        return Agent.from_model(row) if row is not None else None

    @strawberry.field(description="Agents in your scope, by id.")
    async def agents(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> AgentConnection:
        query = visible_agents(caller_of(info))
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return AgentConnection(nodes=[Agent.from_model(r) for r in rows], page_info=page)

    @strawberry.field(description="The purposes of use (P5).")
    def purposes(self) -> list[PurposeInfo]:
        return [PurposeInfo(code=p, description=p.description) for p in Purpose]

    @strawberry.field(
        description="Every personal field: category, purposes, mask. Generated from the "
        "same @personal directives that are enforced.",
        permission_classes=[allow(*STAFF)],
    )
    def privacy_catalog(self, info: Info) -> list[CatalogEntry]:
        index = info.schema.personal_index  # type: ignore[attr-defined]
        return [CatalogEntry.from_field(f) for f in index.all_fields()]

    @strawberry.field(
        description="The read audit, newest last; filter by subject, actor, purpose, time.",
        permission_classes=[allow(Role.AUDITOR)],
    )
    async def audit_events(
        self,
        filter: AuditFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> AuditEventConnection:
        return await audit_events(filter or AuditFilter(), PageRequest.parse(first, after))
