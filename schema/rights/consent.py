"""Consent records and the current state per use (P5). They hold no personal value: which
use, granted or withdrawn, when, how, under which policy version, with which notice."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import ConsentRecord as ConsentRow
from models import NamedUse as NamedUseRow
from models.rights import ConsentChannel
from rights.consent import ConsentState, UseStatus

strawberry.enum(ConsentChannel, description="How a consent decision was expressed.")
strawberry.enum(ConsentState, description="Where a person stands on one use.")


@strawberry.type(description="One consent decision, appended and never changed (P5).")
class ConsentRecord:
    use: str = strawberry.field(description="G, H, or a named use's code.")
    granted: bool
    at: datetime
    channel: ConsentChannel
    policy_version: str
    notice_text: str = strawberry.field(description="The notice shown when deciding.")
    recorded_role: str = strawberry.field(description="CUSTOMER, or the staff role.")

    @classmethod
    def from_model(cls, row: ConsentRow) -> ConsentRecord:
        return cls(
            use=row.use,
            granted=row.action == "GRANTED",
            at=row.at,
            channel=row.channel,
            policy_version=row.policy_version,
            notice_text=row.notice_text,
            recorded_role=row.recorded_role,
        )


@strawberry.type(description="One use and where the person stands on it.")
class ConsentStatus:
    use: str
    description: str
    notice_text: str = strawberry.field(description="Show this when asking (again).")
    state: ConsentState
    last: ConsentRecord | None

    @classmethod
    def from_status(cls, status: UseStatus) -> ConsentStatus:
        last = ConsentRecord.from_model(status.last) if status.last else None
        return cls(
            use=status.use,
            description=status.description,
            notice_text=status.notice_text,
            state=status.state,
            last=last,
        )


@strawberry.type(description="A use outside P5 A-H, defined by the operator.")
class NamedUse:
    code: str
    base: str = strawberry.field(description="G or H: how the use reaches people.")
    description: str
    notice_text: str
    defined_at: datetime
    policy_version: str

    @classmethod
    def from_model(cls, row: NamedUseRow) -> NamedUse:
        return cls(
            code=row.code,
            base=row.base,
            description=row.description,
            notice_text=row.notice_text,
            defined_at=row.defined_at,
            policy_version=row.policy_version,
        )
