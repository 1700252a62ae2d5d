"""Contact: customers ask, support answers (P5.C about applications, P5.D administration)."""

from __future__ import annotations

import strawberry
from tortoise.transactions import in_transaction

from directives.audit import utc_now
from directives.operations import INQUIRY_PURPOSE
from directives.reasons import ReasonCode, refused
from models import Inquiry as InquiryRow
from models import InquiryMessage as MessageRow
from models.contact import Author, InquiryKind, InquiryStatus
from resolvers.inquiries.query import wrong_purpose
from resolvers.inquiries.scope import visible_inquiries
from resolvers.scope import not_found
from schema.context import Info, caller_of
from schema.inquiries.inquiry import Inquiry
from schema.page import parse_row_id

MAX_BODY = 4000


def _body(text: str) -> str:
    body = text.strip()
    if not body or len(body) > MAX_BODY:
        raise refused(ReasonCode.INVALID_VALUE, f"A message is 1..{MAX_BODY} characters.")
    return body


@strawberry.type
class InquiryMutation:
    @strawberry.mutation(
        description="Ask a question about your applications (C) or the system (D). Declare "
        "the purpose that matches the kind.",
    )
    async def open_inquiry(self, info: Info, kind: InquiryKind, subject: str, body: str) -> Inquiry:
        if info.context.purpose is not INQUIRY_PURPOSE[kind]:
            raise wrong_purpose(kind)
        caller = caller_of(info)
        async with in_transaction() as conn:
            row = await InquiryRow.create(
                customer_id=caller.customer_id,
                kind=kind,
                subject=_body(subject)[:200],
                opened_at=utc_now(),
                using_db=conn,
            )
            await MessageRow.create(
                inquiry_id=row.id,
                author=Author.CUSTOMER,
                body=_body(body),
                at=row.opened_at,
                author_login=caller.login,
                using_db=conn,
            )
        return Inquiry.from_model(row)

    @strawberry.mutation(
        description="Answer an inquiry (support). Declare C for applications, D for "
        "administration; the history keeps every message.",
    )
    async def answer_inquiry(
        self, info: Info, inquiry_id: strawberry.ID, body: str, close: bool = False
    ) -> Inquiry:
        caller = caller_of(info)
        row = await visible_inquiries(caller).get_or_none(id=parse_row_id(inquiry_id))
        if row is None:
            raise not_found("inquiry")
        if info.context.purpose is not INQUIRY_PURPOSE[row.kind]:
            raise wrong_purpose(row.kind)
        if row.status is InquiryStatus.CLOSED:
            raise refused(ReasonCode.INQUIRY_CLOSED, "This inquiry is closed.")
        row.status = InquiryStatus.CLOSED if close else InquiryStatus.ANSWERED
        async with in_transaction() as conn:
            await MessageRow.create(
                inquiry_id=row.id,
                author=Author.STAFF,
                body=_body(body),
                at=utc_now(),
                author_login=caller.login,
                using_db=conn,
            )
            await row.save(update_fields=["status"], using_db=conn)
        return Inquiry.from_model(row)
