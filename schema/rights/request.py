"""A rights request (P7.3; APPI art. 33, 35) as staff see it: the identity check (kind of
document, who, when), the fee and its state, the deadline, what the answer held (counts and a
digest, never values). The reply address is personal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from directives.personal import personal
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category
from models import Notification
from models import RightsRequest as RequestRow
from models.rights import FeeState, IdDocument, RequestKind
from rights.requests import fee_state
from schema.rights.answer_delivery import AnswerDelivery

strawberry.enum(RequestKind, description="Disclosure, stop or delete.")
strawberry.enum(IdDocument, description="Kind of document shown in person; never a copy or number.")
strawberry.enum(FeeState, description="FREE, DUE (billed) or PAID (in cash).")


@strawberry.type(description="A disclosure, stop or deletion request (P7.3).")
class RightsRequest:
    id: strawberry.ID
    kind: RequestKind
    customer_id: strawberry.ID | None = strawberry.field(
        description="The customer record the request is about; None: none is held."
    )
    reply_to: str | None = personal(
        Category.EMAIL, description="Where to send the answer when no record is held."
    )
    document: IdDocument
    checked_by: str
    checked_at: datetime
    received_at: datetime
    due_at: datetime = strawberry.field(description="The answer's deadline.")
    fee: int = strawberry.field(description="Yen: 0, or 2,100 from the second in a month.")
    invoice_id: strawberry.ID | None
    policy_version: str
    answered_at: datetime | None = strawberry.field(
        description="When the answer was prepared and handed to the outbox."
    )
    answered_by: str
    answer_sent_at: datetime | None = strawberry.field(
        description="When the outbox sent the answer: the deadline clock stops then."
    )
    answer_summary: JSON = strawberry.field(
        description="Counts per section and the SHA-256 of what was sent; no value."
    )
    row: strawberry.Private[RequestRow]

    @strawberry.field(description="Whether the deadline passed without an answer sent.")
    def overdue(self) -> bool:
        return self.answer_sent_at is None and datetime.now(UTC) > self.due_at

    @strawberry.field(description="The answer's message in the outbox; null before answering.")
    async def answer_delivery(self) -> AnswerDelivery | None:
        message = await Notification.get_or_none(id=self.row.answer_notification_id or 0)
        return AnswerDelivery.from_model(message) if message else None

    @strawberry.field
    async def fee_state(self) -> FeeState:
        return await fee_state(self.row)

    def privacy_subject(self) -> Subject:
        return Subject(SubjectKind.REQUESTER, self.row.id, customer_id=self.row.customer_id)

    @classmethod
    def from_model(cls, row: RequestRow) -> RightsRequest:
        def ident(value: int | None) -> strawberry.ID | None:
            return strawberry.ID(str(value)) if value is not None else None

        return cls(
            id=strawberry.ID(str(row.id)),
            kind=row.kind,
            customer_id=ident(row.customer_id),
            reply_to=row.reply_to,
            document=row.document,
            checked_by=row.checked_by,
            checked_at=row.checked_at,
            received_at=row.received_at,
            due_at=row.due_at,
            fee=row.fee,
            invoice_id=ident(row.invoice_id),
            policy_version=row.policy_version,
            answered_at=row.answered_at,
            answered_by=row.answered_by,
            answer_sent_at=row.answer_sent_at,
            answer_summary=cast(JSON, row.answer_summary),
            row=row,
        )
