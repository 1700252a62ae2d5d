"""A business transfer (P8.3) and its notice state, for administrators and auditors."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from directives.notices import NoticeProgress
from models import BusinessTransfer as TransferRow
from models.third_parties import TransferExtent, TransferStatus
from schema.third_parties.notice_state import NoticeState

strawberry.enum(TransferExtent, description="All or part of the business.")
strawberry.enum(TransferStatus, description="PLANNED, then EFFECTIVE.")


@strawberry.type(description="A transfer of all or part of the business (P8.3).")
class BusinessTransfer:
    id: strawberry.ID
    transferee: str
    extent: TransferExtent
    planned_on: date
    status: TransferStatus
    last_notice_at: datetime | None = strawberry.field(
        description="When a notice was last queued for every user."
    )
    notices_sent: int = strawberry.field(description="Notices queued in the outbox so far.")
    notices: NoticeState = strawberry.field(description="How the outbox is doing with them.")
    earliest_effective_on: date | None = strawberry.field(
        description="2 months after the last notice was actually sent (and not before the "
        "planned date); null while a notice is still to send, failed, or a user has none."
    )
    effective_at: datetime | None

    @classmethod
    def from_model(
        cls, row: TransferRow, earliest: date | None, notices: NoticeProgress
    ) -> BusinessTransfer:
        return cls(
            id=strawberry.ID(str(row.id)),
            transferee=row.transferee,
            extent=row.extent,
            planned_on=row.planned_on,
            status=row.status,
            last_notice_at=row.last_notice_at,
            notices_sent=row.notices_sent,
            notices=NoticeState.from_progress(notices),
            earliest_effective_on=earliest,
            effective_at=row.effective_at,
        )
