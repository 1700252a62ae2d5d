"""The caller's own account."""

from __future__ import annotations

from datetime import datetime

import strawberry

from directives.vocabulary import Role
from models import Account as AccountRow
from models import Reminder, Stage
from schema.audit.catalog import PurposeInfo
from schema.context import Context
from schema.people.agent import Agent
from schema.people.customer import Customer, load_customer

# Registered here, before any type uses them (plain enums would be auto-wrapped twice).
strawberry.enum(Stage, description="Login progress; only FULL may use the API.")
strawberry.enum(Reminder, description="Password change reminder (P4.4); never forced.")


@strawberry.type(description="The account making this request.")
class Me:
    login: str
    role: Role
    customer_id: strawberry.ID | None
    agent_id: strawberry.ID | None
    stage: Stage
    totp_enabled: bool
    password_changed_at: datetime | None
    password_reminder: Reminder
    password_change_due: bool = strawberry.field(
        description="The reminder interval you chose has passed (a reminder, never forced)."
    )
    declarable_purposes: list[PurposeInfo] = strawberry.field(
        description="The purposes your role may declare (P5), from the table the enforcement "
        "uses (`directives.policy.DECLARABLE`)."
    )
    session_expires_at: datetime | None = strawberry.field(
        description="When this browser session ends unless used again (idle or absolute "
        "timeout, whichever is sooner); null for API tokens."
    )

    @strawberry.field(
        description="Your own customer record (P7.1: in clear, no purpose needed), for the "
        "name in a page's header; null unless you are a customer."
    )
    async def customer(self, info: strawberry.Info[Context, None]) -> Customer | None:
        return await load_customer(info, int(self.customer_id) if self.customer_id else None)

    @strawberry.field(
        description="Your own agent record (its name for a page's header; personal fields "
        "need a declared purpose like any other); null unless you are an agent."
    )
    async def agent(self, info: strawberry.Info[Context, None]) -> Agent | None:
        if self.agent_id is None:
            return None
        row = await info.context.loaders.agent.load(int(self.agent_id))
        return Agent.from_model(row) if row is not None else None

    @classmethod
    def from_model(
        cls,
        row: AccountRow,
        *,
        stage: Stage,
        due: bool,
        purposes: list[PurposeInfo],
        session_expires_at: datetime | None,
    ) -> Me:
        return cls(
            login=row.login,
            role=row.role,
            customer_id=strawberry.ID(str(row.customer_id)) if row.customer_id else None,
            agent_id=strawberry.ID(str(row.agent_id)) if row.agent_id else None,
            stage=stage,
            totp_enabled=row.totp_confirmed,
            password_changed_at=row.password_changed_at,
            password_reminder=row.password_reminder,
            password_change_due=due,
            declarable_purposes=purposes,
            session_expires_at=session_expires_at,
        )
