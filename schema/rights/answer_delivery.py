"""How the outbox is doing with the answer to a rights request (P7.3): state and attempts,
never the address or the contents."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import Notification
from models.outbox import DeliveryState
from schema.accounts import binding  # noqa: F401 - registers DeliveryState with Strawberry


@strawberry.type(description="The outbox message carrying an answer: retried until sent.")
class AnswerDelivery:
    state: DeliveryState
    attempts: int
    last_error: str | None = strawberry.field(
        description="The last failure's kind (an exception class name), if any."
    )
    next_attempt_at: datetime | None
    sent_at: datetime | None

    @classmethod
    def from_model(cls, row: Notification) -> AnswerDelivery:
        waiting = row.state is DeliveryState.QUEUED
        return cls(
            state=row.state,
            attempts=row.attempts,
            last_error=row.last_error,
            next_attempt_at=row.next_attempt_at if waiting else None,
            sent_at=row.sent_at,
        )
