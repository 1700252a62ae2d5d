"""Billing (P5.E): payments received, and corrections as new invoices (never an update).

A correction copies the original's lines, adds an ADJUST line for the difference, and carries
as `credit` what was already paid on the invoices it corrects, so no money is billed twice.
Payments go to the latest invoice of a chain only; each operation locks the invoice it reads
(PostgreSQL `SELECT ... FOR UPDATE`) so that concurrent payments and corrections serialise.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import strawberry
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from directives.audit import utc_now
from directives.reasons import ReasonCode, refused
from models import Customer as CustomerRow
from models import Invoice as InvoiceRow
from models import InvoiceLine as LineRow
from models import Payment as PaymentRow
from resolvers.billing.rules import COPIED, PAYMENT_TERM, addressed_to, correction_lines
from resolvers.billing.scope import visible_invoices
from resolvers.query_by import require_query_by
from resolvers.scope import locked_in_scope
from schema.billing.invoice import Invoice
from schema.context import Info, caller_of

MAX_YEN = 10**9
JST = timezone(timedelta(hours=9), "JST")  # the operator's business day (no DST in Japan)


def _yen(amount: int, *, least: int = 1) -> int:
    if not least <= amount <= MAX_YEN:
        raise refused(ReasonCode.INVALID_VALUE, f"An amount is {least}..{MAX_YEN} yen.")
    return amount


def _today() -> date:
    return datetime.now(JST).date()


async def _locked_invoice(
    info: Info, invoice_id: strawberry.ID, conn: BaseDBAsyncClient
) -> InvoiceRow:
    row = await locked_in_scope(visible_invoices(caller_of(info)), invoice_id, conn, "invoice")
    if await InvoiceRow.filter(corrects_id=row.id).using_db(conn).exists():
        raise refused(
            ReasonCode.INVOICE_CORRECTED,
            "This invoice was corrected: use its latest correction.",
        )
    return row


async def _paid(row: InvoiceRow, conn: BaseDBAsyncClient) -> int:
    """Paid on `row` and, through its credit, on every invoice it corrects."""
    payments = await PaymentRow.filter(invoice_id=row.id).using_db(conn)
    return row.credit + sum(p.amount for p in payments)


async def _copy_lines(
    original: InvoiceRow, row: InvoiceRow, reason: str, conn: BaseDBAsyncClient
) -> None:
    lines = await LineRow.filter(invoice_id=original.id).using_db(conn).order_by("id")
    await LineRow.bulk_create(correction_lines(lines, row, reason), using_db=conn)


@strawberry.type
class BillingMutation:
    @strawberry.mutation(
        description="Record money received against an invoice: not above its balance, not "
        "on a corrected invoice, not received in the future. Declare purpose E.",
    )
    async def record_payment(
        self, info: Info, invoice_id: strawberry.ID, amount: int, received_on: date
    ) -> Invoice:
        if received_on > _today():
            raise refused(
                ReasonCode.IN_THE_FUTURE,
                "A payment cannot be received in the future.",
                fields=["receivedOn"],
            )
        async with in_transaction() as conn:
            row = await _locked_invoice(info, invoice_id, conn)
            if _yen(amount) > row.total - await _paid(row, conn):
                raise refused(
                    ReasonCode.ABOVE_BALANCE,
                    "The amount exceeds the balance.",
                    fields=["amount"],
                )
            await PaymentRow.create(
                invoice_id=row.id,
                amount=amount,
                received_on=received_on,
                recorded_by=caller_of(info).login,
                using_db=conn,
            )
        return Invoice.from_model(row)

    @strawberry.mutation(
        description="Correct an issued invoice: a new invoice with the right total (0 cancels "
        "it), the original's lines plus an ADJUST line, addressed as the customer is now, "
        "crediting what was already paid, referencing the original (which never changes). "
        "Declare purpose E.",
    )
    async def correct_invoice(
        self, info: Info, invoice_id: strawberry.ID, total: int, reason: str
    ) -> Invoice:
        _yen(total, least=0)
        today = utc_now().date()
        # The correction is addressed as the customer is now: a copy of personal values.
        copied = require_query_by(info, type_name="Customer", fields=COPIED)
        try:
            async with in_transaction() as conn:
                original = await _locked_invoice(info, invoice_id, conn)
                customer = await CustomerRow.get(id=original.customer_id, using_db=conn)
                row = await InvoiceRow.create(
                    contract_id=original.contract_id,
                    customer_id=customer.id,
                    period=original.period,
                    issued_on=today,
                    due_on=today + PAYMENT_TERM,
                    total=total,
                    credit=await _paid(original, conn),
                    **addressed_to(customer),
                    corrects_id=original.id,
                    using_db=conn,
                )
                await _copy_lines(original, row, reason, conn)
                copied.subjects([customer.id])
        except IntegrityError:  # a concurrent correction of the same invoice won
            raise refused(
                ReasonCode.INVOICE_CORRECTED,
                "This invoice was corrected: use its latest correction.",
            ) from None
        return Invoice.from_model(row)
