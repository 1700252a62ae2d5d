"""Requests from a (former) customer (P7.3; APPI art. 33 disclosure, art. 35 stop or delete),
taken by staff after an in-person identity check: the kind of document, who checked it and
when, never a copy or its number.

Fee (P7.3, APPI art. 38): the first disclosure request of a calendar month (Japan time) is
free; each further one in the same month costs 2,100 yen, billed by billing (P5.E) as an
invoice with a FEE line when it is paid in cash. FREE, DUE until then, PAID after.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from directives.errors import ErrorCode, PrivacyError
from directives.policy_versions import JAPAN, in_force, japan_date
from directives.reasons import ReasonCode, refused
from models import Contract, Customer, Invoice, InvoiceLine, Payment, RightsRequest
from models.billing import LineKind
from models.rights import FeeState, IdDocument, RequestKind

FEE = 2_100  # yen, from the second disclosure request in a calendar month (P7.3)
# APPI asks for an answer "without delay"; the operator's own deadline from the request.
ANSWER_WITHIN = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class IdentityCheck:
    document: IdDocument
    checked_by: str
    checked_at: datetime


def month_start(day: date) -> datetime:
    """00:00 Japan time on the first of `day`'s month."""
    return datetime(day.year, day.month, 1, tzinfo=JAPAN)


async def _earlier_this_month(customer_id: int, at: datetime, conn: BaseDBAsyncClient) -> int:
    start = month_start(japan_date(at))
    return (
        await RightsRequest.filter(
            customer_id=customer_id,
            kind=RequestKind.DISCLOSURE,
            received_at__gte=start,
            received_at__lte=at,
        )
        .using_db(conn)
        .count()
    )


async def _billable(
    kind: RequestKind, customer_id: int, at: datetime, conn: BaseDBAsyncClient
) -> bool:
    """Only disclosure carries the fee, and only from the second request in the month."""
    return kind is RequestKind.DISCLOSURE and await _earlier_this_month(customer_id, at, conn) > 0


async def take_request(
    *,
    kind: RequestKind,
    customer_id: int | None,
    reply_to: str,
    check: IdentityCheck,
    at: datetime,
) -> RightsRequest:
    """Record a request; a second disclosure in the same month is billed (P7.3)."""
    async with in_transaction() as conn:
        customer = None
        if customer_id is not None:
            # Locked: two requests taken at once are counted one after the other.
            customer = (
                await Customer.filter(id=customer_id).select_for_update().using_db(conn).first()
            )
            if customer is None:
                raise PrivacyError(ErrorCode.NOT_FOUND, "No such customer in your scope.")
        billable = customer is not None and await _billable(kind, customer.id, at, conn)
        return await RightsRequest.create(
            kind=kind,
            customer_id=customer.id if customer else None,
            reply_to=reply_to,
            document=check.document,
            checked_by=check.checked_by,
            checked_at=check.checked_at,
            received_at=at,
            due_at=at + ANSWER_WITHIN,
            fee=FEE if billable else 0,
            policy_version=in_force(at).id,
            using_db=conn,
        )


async def fee_state(request: RightsRequest) -> FeeState:
    if request.fee == 0:
        return FeeState.FREE
    return FeeState.DUE if request.invoice_id is None else FeeState.PAID


async def pay_fee_in_cash(
    request_id: int, *, on: date, by: str, address: Mapping[str, str]
) -> RightsRequest:
    """The fee billed as an invoice with one FEE line (addressed with `address`, billing's
    `addressed_to`) and paid in cash at once, as recorded (P7.3)."""
    async with in_transaction() as conn:
        request = await RightsRequest.filter(id=request_id).select_for_update().using_db(conn).get()
        if request.fee == 0 or request.customer_id is None:
            raise refused(ReasonCode.REQUEST_FREE, "This request is free.")
        if request.invoice_id is not None:
            raise refused(ReasonCode.FEE_ALREADY_PAID, "The fee is already paid.")
        contract = (
            await Contract.filter(customer_id=request.customer_id)
            .using_db(conn)
            .order_by("-id")
            .first()
        )
        if contract is None:
            raise refused(ReasonCode.NO_CONTRACT_TO_BILL, "No contract to bill the fee on.")
        invoice = await Invoice.create(
            contract_id=contract.id,
            customer_id=request.customer_id,
            period=on.replace(day=1),
            issued_on=on,
            due_on=on,  # paid in cash at the counter
            total=request.fee,
            **address,
            using_db=conn,
        )
        await InvoiceLine.create(
            invoice_id=invoice.id,
            kind=LineKind.FEE,
            description="開示請求手数料 (P7.3)",
            amount=request.fee,
            using_db=conn,
        )
        await Payment.create(
            invoice_id=invoice.id,
            amount=request.fee,
            received_on=on,
            method="CASH",
            recorded_by=by,
            using_db=conn,
        )
        await RightsRequest.filter(id=request.id).using_db(conn).update(invoice_id=invoice.id)
        request.invoice_id = invoice.id
        return request
