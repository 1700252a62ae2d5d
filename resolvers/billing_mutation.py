"""Billing (P5.E): payments received, and corrections as new invoices (never an update)."""

from __future__ import annotations

from datetime import date, timedelta

import strawberry
from tortoise.transactions import in_transaction

from directives.audit import utc_now
from directives.errors import ErrorCode, PrivacyError
from directives.vocabulary import Purpose, Role
from models import Customer as CustomerRow
from models import Invoice as InvoiceRow
from models import InvoiceLine as LineRow
from models import Payment as PaymentRow
from models.billing import LineKind
from resolvers.business_scope import visible_invoices
from resolvers.permissions import allow
from resolvers.query import Info, caller_of
from resolvers.query_by import require_purpose
from schema.invoice import Invoice
from schema.page import parse_row_id

BILLING = allow(Role.BILLING)
MAX_YEN = 10**9
PAYMENT_TERM = timedelta(days=30)  # a correction is due 30 days after it is issued


def _yen(amount: int) -> int:
    if not 0 < amount <= MAX_YEN:
        raise PrivacyError(ErrorCode.BAD_INPUT, f"An amount is 1..{MAX_YEN} yen.")
    return amount


async def _invoice(info: Info, invoice_id: strawberry.ID) -> InvoiceRow:
    require_purpose(info, Purpose.E)
    row = await visible_invoices(caller_of(info)).get_or_none(id=parse_row_id(invoice_id))
    if row is None:
        raise PrivacyError(ErrorCode.NOT_FOUND, "No such invoice in your scope.")
    return row


@strawberry.type
class BillingMutation:
    @strawberry.mutation(
        description="Record money received against an invoice. Declare purpose E.",
        permission_classes=[BILLING],
    )
    async def record_payment(
        self, info: Info, invoice_id: strawberry.ID, amount: int, received_on: date
    ) -> Invoice:
        row = await _invoice(info, invoice_id)
        await PaymentRow.create(
            invoice_id=row.id,
            amount=_yen(amount),
            received_on=received_on,
            recorded_by=caller_of(info).login,
        )
        return Invoice.from_model(row)

    @strawberry.mutation(
        description="Correct an issued invoice: a new invoice with the right total, addressed "
        "as the customer is now, referencing the original (which never changes). Declare E.",
        permission_classes=[BILLING],
    )
    async def correct_invoice(
        self, info: Info, invoice_id: strawberry.ID, total: int, reason: str
    ) -> Invoice:
        original = await _invoice(info, invoice_id)
        if await InvoiceRow.exists(corrects_id=original.id):
            raise PrivacyError(ErrorCode.BAD_INPUT, "Already corrected: correct the latest.")
        customer = await CustomerRow.get(id=original.customer_id)
        today = utc_now().date()
        async with in_transaction() as conn:
            row = await InvoiceRow.create(
                contract_id=original.contract_id,
                customer_id=customer.id,
                period=original.period,
                issued_on=today,
                due_on=today + PAYMENT_TERM,
                total=_yen(total),
                billing_name=customer.name,
                billing_postal_code=customer.postal_code,
                billing_address=customer.address,
                corrects_id=original.id,
                using_db=conn,
            )
            await LineRow.create(
                invoice_id=row.id,
                kind=LineKind.PLAN,
                description=f"訂正: {reason.strip()[:100]}",
                amount=row.total,
                using_db=conn,
            )
        return Invoice.from_model(row)
