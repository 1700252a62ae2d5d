"""Rights requests through the API: support takes them after the in-person identity check
and answers them, billing records the fee paid in cash (P7.3)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import strawberry

from directives.errors import ErrorCode, PrivacyError
from directives.reasons import ReasonCode, refused
from directives.scope import SubjectKind
from directives.usage import Use, uses
from models import Customer as CustomerRow
from models import RightsRequest as RequestRow
from models.rights import IdDocument, RequestKind
from resolvers.billing.rules import COPIED, addressed_to
from resolvers.people.scope import visible_customers
from resolvers.query_by import require_query_by
from resolvers.scope import not_found
from resolvers.validation import EMAIL, normal_email
from rights.answer import answer
from rights.consent import Recorder
from rights.requests import IdentityCheck, pay_fee_in_cash, take_request
from schema.context import Info, caller_of
from schema.page import parse_row_id
from schema.rights.request import RightsRequest


@strawberry.input(description="A request taken in person (P7.3).")
class RightsRequestInput:
    kind: RequestKind
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="The record found for the person; omit if none is held."
    )
    reply_to: str | None = strawberry.field(
        default=None, description="E-mail for the answer when no record is held."
    )
    document: IdDocument
    checked_at: datetime = strawberry.field(description="When the document was checked.")


async def _request(request_id: strawberry.ID) -> RequestRow:
    row = await RequestRow.get_or_none(id=parse_row_id(request_id))
    if row is None:
        raise not_found("request")
    return row


@strawberry.type
class RequestQuery:
    @strawberry.field(
        description="Rights requests, oldest first; by default only those whose answer is not "
        "sent yet (the deadline clock still runs)."
    )
    async def rights_requests(self, open: bool = True) -> list[RightsRequest]:
        query = RequestRow.all().order_by("id")
        if open:
            query = query.filter(answer_sent_at__isnull=True)
        return [RightsRequest.from_model(r) for r in await query]

    @strawberry.field(
        description="Your own requests (P7.3), oldest first: kind, identity check, deadline, "
        "fee and whether answered. Never anyone else's."
    )
    async def my_rights_requests(self, info: Info) -> list[RightsRequest]:
        customer_id = caller_of(info).customer_id
        if customer_id is None:
            return []
        rows = await RequestRow.filter(customer_id=customer_id).order_by("id")
        return [RightsRequest.from_model(r) for r in rows]


@strawberry.type
class RequestMutation:
    @strawberry.mutation(
        description="Record a request after checking identity in person (the kind of document, "
        "never a copy or number). A second disclosure request in a calendar month is billed "
        "2,100 yen (P7.3). Declare purpose D."
    )
    async def take_rights_request(self, info: Info, input: RightsRequestInput) -> RightsRequest:
        caller = caller_of(info)
        now = datetime.now(UTC)
        if input.checked_at > now:
            raise refused(ReasonCode.IN_THE_FUTURE, "The identity check cannot be in the future.")
        reply_to = normal_email(input.reply_to or "")
        if len(reply_to) > EMAIL.limit or (reply_to and not EMAIL.pattern.fullmatch(reply_to)):
            raise refused(
                ReasonCode.INVALID_VALUE, "Invalid value for replyTo.", fields=["replyTo"]
            )
        customer_id = None
        if input.customer_id is not None:
            customer = await visible_customers(caller).get_or_none(
                id=parse_row_id(input.customer_id)
            )
            if customer is None:
                raise not_found("customer")
            customer_id = customer.id
        row = await take_request(
            kind=input.kind,
            customer_id=customer_id,
            reply_to=reply_to,
            check=IdentityCheck(input.document, caller.login, input.checked_at),
            at=now,
        )
        return RightsRequest.from_model(row)

    @strawberry.mutation(
        description="Record a request's fee paid in cash: billed as an invoice with a FEE line "
        "addressed as the customer is now (P5.E, P7.3). Declare purpose E."
    )
    async def pay_rights_request_fee(
        self, info: Info, id: strawberry.ID, received_on: date
    ) -> RightsRequest:
        request = await _request(id)
        customer = await CustomerRow.get_or_none(id=request.customer_id or 0)
        if customer is None:
            raise refused(ReasonCode.REQUEST_FREE, "This request is free.")
        # The invoice is addressed as the customer is now: a copy of personal values.
        copied = require_query_by(info, type_name="Customer", fields=COPIED)
        row = await pay_fee_in_cash(
            request.id, on=received_on, by=caller_of(info).login, address=addressed_to(customer)
        )
        copied.subjects([customer.id])
        return RightsRequest.from_model(row)

    @strawberry.mutation(
        description="Answer a request: the disclosure package (or 'no data held'), or what was "
        "stopped or deleted and what is kept and why; queued in the outbox as JSON and "
        "printable HTML attached to an e-mail to the person (again only if that delivery "
        "failed). The deadline clock stops when it is sent. Declare purpose D."
    )
    async def answer_rights_request(self, info: Info, id: strawberry.ID) -> RightsRequest:
        delivery = info.context.delivery
        if delivery is None:
            raise PrivacyError(
                ErrorCode.DELIVERY_UNAVAILABLE, "No delivery is configured to send answers."
            )
        caller = caller_of(info)
        index = info.schema.personal_index  # type: ignore[attr-defined]
        purposes = {f.name: f.purposes for f in index.fields_of("Customer").values()}
        row = await answer(
            await _request(id),
            by=Recorder(login=caller.login, role=caller.role.value),
            at=datetime.now(UTC),
            delivery=delivery,
            purposes=purposes,
        )
        if row.customer_id is not None and row.answer_summary.get("disclosed"):
            # Every value held went to the person (P7.3): a use, in the audit like a read.
            disclosed = {name: Use.DISCLOSE for name in purposes}
            use = uses(
                info.context.audit, SubjectKind.CUSTOMER.value, "DisclosurePackage", disclosed
            )
            use.subjects([row.customer_id])
        return RightsRequest.from_model(row)
