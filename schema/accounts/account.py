"""The caller's own account."""

from __future__ import annotations

from datetime import datetime

import strawberry

from directives.vocabulary import Role
from models import Account as AccountRow
from models import Reminder, Stage

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

    @classmethod
    def from_model(cls, row: AccountRow, *, stage: Stage, due: bool) -> Me:
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
        )
