"""Inquiries (P5.C about applications, P5.D about administration) and their history."""

from __future__ import annotations

from datetime import datetime

import strawberry

from directives.personal import personal
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category
from models import Inquiry as InquiryRow
from models import InquiryMessage as InquiryMessageRow
from models.contact import Author, InquiryKind, InquiryStatus
from schema.context import Context
from schema.people.customer import Customer, load_customer

strawberry.enum(InquiryKind, description="APPLICATION: purpose C. ADMINISTRATION: purpose D.")
strawberry.enum(InquiryStatus)
strawberry.enum(Author)


@strawberry.type(description="One message of an inquiry's history.")
class InquiryMessage:
    author: Author
    body: str | None = personal(Category.FREE_TEXT)
    at: datetime
    customer_id: strawberry.Private[int]

    def privacy_subject(self) -> Subject:
        return Subject(SubjectKind.CUSTOMER, self.customer_id)  # whose inquiry it is

    @classmethod
    def from_model(cls, row: InquiryMessageRow, *, customer_id: int) -> InquiryMessage:
        return cls(author=row.author, body=row.body, at=row.at, customer_id=customer_id)


@strawberry.type(description="A question from a customer and the answers to it.")
class Inquiry:
    id: strawberry.ID
    kind: InquiryKind
    subject: str | None = personal(Category.FREE_TEXT)
    status: InquiryStatus
    opened_at: datetime
    row_id: strawberry.Private[int]
    customer_id: strawberry.Private[int]

    @strawberry.field(description="Who asked, if in your scope.")
    async def customer(self, info: strawberry.Info[Context, None]) -> Customer | None:
        return await load_customer(info, self.customer_id)

    @strawberry.field(description="The history, oldest first.")
    async def messages(self, info: strawberry.Info[Context, None]) -> list[InquiryMessage]:
        rows = await info.context.loaders.messages_of_inquiry.load(self.row_id)
        return [InquiryMessage.from_model(r, customer_id=self.customer_id) for r in rows]

    def privacy_subject(self) -> Subject:
        return Subject(SubjectKind.CUSTOMER, self.customer_id)

    @classmethod
    def from_model(cls, row: InquiryRow) -> Inquiry:
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=row.kind,
            subject=row.subject,
            status=row.status,
            opened_at=row.opened_at,
            row_id=row.id,
            customer_id=row.customer_id,
        )
