"""Where the notices of a transfer or an incident stand in the outbox: counts, never who."""

from __future__ import annotations

from datetime import datetime

import strawberry

from directives.notices import NoticeProgress


@strawberry.type(description="Notices of one transfer or incident in the outbox.")
class NoticeState:
    queued: int = strawberry.field(description="Waiting for the worker or another attempt.")
    sending: int
    sent: int
    failed: int = strawberry.field(
        description="Given up after the last attempt; sending the notice again retries them."
    )
    dropped: int = strawberry.field(
        description="Not sent: the person's record was anonymised (retention, P7.4) first."
    )
    last_sent_at: datetime | None = strawberry.field(description="When the last one was sent.")

    @classmethod
    def from_progress(cls, done: NoticeProgress) -> NoticeState:
        return cls(
            queued=done.queued,
            sending=done.sending,
            sent=done.sent,
            failed=done.failed,
            dropped=done.dropped,
            last_sent_at=done.last_sent_at,
        )
