"""The caller's own account."""

from __future__ import annotations

import strawberry

from directives.vocabulary import Role
from models import Account as AccountRow


@strawberry.type(description="The account making this request.")
class Me:
    login: str
    role: Role
    customer_id: strawberry.ID | None
    agent_id: strawberry.ID | None

    @classmethod
    def from_model(cls, row: AccountRow) -> Me:
        return cls(
            login=row.login,
            role=row.role,
            customer_id=strawberry.ID(str(row.customer_id)) if row.customer_id else None,
            agent_id=strawberry.ID(str(row.agent_id)) if row.agent_id else None,
        )
