"""Requests from a (former) customer (P7.3; APPI art. 33 disclosure, art. 35 stop or delete),
taken by staff after an in-person identity check: the kind of document, who checked it and
when, never a copy or its number.

Fee (P7.3, APPI art. 38): the first disclosure request of a calendar month (Japan time) is
free; each further one in the same month costs 2,100 yen, billed as an invoice line and paid
in cash. The fee's state is derived from that invoice's payments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from directives.errors import ErrorCode, PrivacyError
from directives.policy_versions import JAPAN, in_force, japan_date
from models import Contract, Customer, Invoice, InvoiceLine, Payment, RightsRequest
from models.billing import LineKind
from models.rights import FeeState, IdDocument, RequestKind
from rights.rows import column

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


async def _bill(customer: Customer, at: datetime, conn: BaseDBAsyncClient) -> Invoice:
    """The fee as an invoice with one FEE line, on the customer's latest contract."""
    contract = await Contract.filter(customer_id=customer.id).using_db(conn).order_by("-id").first()
    if contract is None:
        raise PrivacyError(ErrorCode.BAD_INPUT, "No contract to bill the fee on.")
    today = japan_date(at)
    invoice = await Invoice.create(
        contract_id=contract.id,
        customer_id=customer.id,
        period=today.replace(day=1),
        issued_on=today,
        due_on=today,  # paid in cash at the counter
        total=FEE,
        billing_name=customer.name,
        billing_postal_code=customer.postal_code,
        billing_address=customer.address,
        using_db=conn,
    )
    await InvoiceLine.create(
        invoice_id=invoice.id,
        kind=LineKind.FEE,
        description="開示請求手数料 (P7.3)",
        amount=FEE,
        using_db=conn,
    )
    return invoice


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
        invoice = None
        if customer is not None and await _billable(kind, customer.id, at, conn):
            invoice = await _bill(customer, at, conn)
        return await RightsRequest.create(
            kind=kind,
            customer_id=customer.id if customer else None,
            reply_to=reply_to,
            document=check.document,
            checked_by=check.checked_by,
            checked_at=check.checked_at,
            received_at=at,
            due_at=at + ANSWER_WITHIN,
            fee=invoice.total if invoice else 0,
            invoice_id=invoice.id if invoice else None,
            policy_version=in_force(at).id,
            using_db=conn,
        )


async def fee_state(request: RightsRequest) -> FeeState:
    if request.invoice_id is None:
        return FeeState.FREE
    paid = sum(await column(Payment.filter(invoice_id=request.invoice_id), "amount"))
    return FeeState.PAID if paid >= request.fee else FeeState.DUE


async def pay_fee_in_cash(request: RightsRequest, *, on: date, by: str) -> Payment:
    """Record the fee paid in cash, as received."""
    if request.invoice_id is None:
        raise PrivacyError(ErrorCode.BAD_INPUT, "This request is free.")
    if await fee_state(request) is FeeState.PAID:
        raise PrivacyError(ErrorCode.BAD_INPUT, "The fee is already paid.")
    return await Payment.create(
        invoice_id=request.invoice_id,
        amount=request.fee,
        received_on=on,
        method="CASH",
        recorded_by=by,
    )
