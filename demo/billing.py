"""Demo billing records: six months of invoices with their lines and payments."""

from __future__ import annotations

import random
from datetime import date, timedelta

from demo.rows import insert_rows
from demo.sales import MONTHS, OptionsByContract, active
from models import Contract, Customer, Invoice, InvoiceLine, OptionService, Payment
from models.billing import LineKind

_PAID_SHARE = 0.94  # the rest are left unpaid (overdue)

# What an invoice is for: the month, the contract and the options billed with its plan.
_Billed = tuple[date, Contract, list[OptionService]]


async def seed_invoices(
    contracts: list[Contract],
    customers: dict[int, Customer],
    options_of: OptionsByContract,
    rng: random.Random,
) -> None:
    billed = [(m, c, options_of.get(c.id, [])) for m in MONTHS for c in contracts if active(c, m)]
    invoices = [_invoice(m, c, customers[c.customer_id], extras) for m, c, extras in billed]
    saved = await insert_rows(Invoice, invoices, batch_size=500)
    lines = [line for i, b in zip(saved, billed, strict=True) for line in _invoice_lines(i, b)]
    await InvoiceLine.bulk_create(lines, batch_size=1000)
    await Payment.bulk_create(_payments(saved, rng), batch_size=1000)


def _invoice(
    month: date, contract: Contract, customer: Customer, extras: list[OptionService]
) -> Invoice:
    return Invoice(
        contract_id=contract.id,
        customer_id=customer.id,
        period=month,
        issued_on=month,
        due_on=month + timedelta(days=30),
        total=contract.monthly_fee + sum(o.monthly_fee for o in extras),
        billing_name=customer.name,
        billing_postal_code=customer.postal_code,
        billing_address=customer.address,
    )


def _invoice_lines(invoice: Invoice, billed: _Billed) -> list[InvoiceLine]:
    _, contract, extras = billed
    plan = InvoiceLine(
        invoice_id=invoice.id,
        kind=LineKind.PLAN,
        option_id=None,
        description=contract.plan.value,
        amount=contract.monthly_fee,
    )
    return [plan] + [
        InvoiceLine(
            invoice_id=invoice.id,
            kind=LineKind.OPTION,
            option_id=o.id,
            description=o.name,
            amount=o.monthly_fee,
        )
        for o in extras
    ]


def _payments(invoices: list[Invoice], rng: random.Random) -> list[Payment]:
    """Paid in full three days before the due date, or not at all."""
    return [
        Payment(invoice_id=i.id, amount=i.total, received_on=i.due_on - timedelta(days=3))
        for i in invoices
        if rng.random() < _PAID_SHARE
    ]
