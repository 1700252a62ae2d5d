"""Accounts as administrators and auditors list them: logins, roles and states; never a
password, a TOTP secret or a person's value (a login ID is an identifier, not a P1 item)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from directives.vocabulary import Role
from models import Account as AccountRow
from models import Activation
from schema.context import Context
from schema.page import Counted, PageInfo


@strawberry.type(description="One account, for administration and audit.")
class AccountInfo:
    id: strawberry.ID
    login: str
    role: Role
    disabled: bool
    activation: Activation
    totp_enabled: bool
    password_change_required: bool = strawberry.field(
        description="A new password is required at the next login (a first password, or an "
        "account flagged as compromised)."
    )
    created_at: datetime
    row_id: strawberry.Private[int]

    @strawberry.field(description="When this account last finished a login (null: never).")
    async def last_login_at(self, info: strawberry.Info[Context, None]) -> datetime | None:
        return await info.context.loaders.last_login_of_account.load(self.row_id)

    @classmethod
    def from_model(cls, row: AccountRow) -> AccountInfo:
        return cls(
            id=strawberry.ID(str(row.id)),
            login=row.login,
            role=row.role,
            disabled=row.disabled,
            activation=row.activation,
            totp_enabled=row.totp_confirmed,
            password_change_required=row.must_change_password,
            created_at=row.created_at,
            row_id=row.id,
        )


@strawberry.type
class AccountConnection(Counted):
    nodes: list[AccountInfo]
    page_info: PageInfo
