"""Four-eyes credential resets (auth.resets) as the administrators and auditors see them:
logins, methods, times. A temporary password's part is shown once, to the administrator it
was made for, in the answer of that administrator's own step; it is never stored in clear nor
readable again."""

from __future__ import annotations

from datetime import datetime

import strawberry

from auth.resets import Reset
from models import Channel, CredentialReset, ResetMethod
from schema.page import Connection, Counted

strawberry.enum(
    ResetMethod,
    description="ACTIVATION_CODE: a login bound to a person gets a new activation code at the "
    "contact details on record and waits for the person; SPLIT_PASSWORD: a staff login gets a "
    "temporary password in two parts, one for each administrator, to be changed at first "
    "login.",
)


@strawberry.type(description="A reset of another account's credentials, asked and approved.")
class CredentialResetInfo:
    login: str
    method: ResetMethod
    second_factor: bool = strawberry.field(description="The TOTP and recovery codes go too.")
    requested_by: str
    requested_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    temporary_password_part: str | None = strawberry.field(
        description="SPLIT_PASSWORD: your part of the temporary password, shown only in the "
        "answer of your own step (the requester's first, the approver's second: the staff "
        "member types them in that order). Null everywhere else."
    )
    channel: Channel | None = strawberry.field(
        description="ACTIVATION_CODE: where the new code went (after approval)."
    )

    @classmethod
    def from_row(cls, row: CredentialReset, login: str) -> CredentialResetInfo:
        return cls(
            login=login,
            method=row.method,
            second_factor=row.second_factor,
            requested_by=row.requested_by,
            requested_at=row.requested_at,
            approved_by=row.approved_by,
            approved_at=row.approved_at,
            temporary_password_part=None,
            channel=None,
        )

    @classmethod
    def from_reset(cls, done: Reset) -> CredentialResetInfo:
        shown = cls.from_row(done.row, done.login)
        shown.temporary_password_part, shown.channel = done.part, done.channel
        return shown


@strawberry.type
class CredentialResetConnection(Counted, Connection[CredentialResetInfo]):
    """A page of credential resets."""
