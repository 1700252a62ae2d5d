"""Demo billing records: six months of invoices with their lines and payments."""

from __future__ import annotations

import random
from datetime import date, timedelta

from demo.rows import insert_rows
from demo.sales import MONTHS, OptionsByContract, active
from models import Contract, Customer, Invoice, InvoiceLine, OptionService, Payment
from resolvers.billing.rules import monthly_invoice, monthly_lines

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
    invoices = [monthly_invoice(m, c, customers[c.customer_id], x) for m, c, x in billed]
    saved = await insert_rows(Invoice, invoices, batch_size=500)
    lines = [
        line
        for invoice, (_, contract, extras) in zip(saved, billed, strict=True)
        for line in monthly_lines(invoice, contract, extras)
    ]
    await InvoiceLine.bulk_create(lines, batch_size=1000)
    await Payment.bulk_create(_payments(saved, rng), batch_size=1000)


def _payments(invoices: list[Invoice], rng: random.Random) -> list[Payment]:
    """Paid in full three days before the due date, or not at all."""
    return [
        Payment(invoice_id=i.id, amount=i.total, received_on=i.due_on - timedelta(days=3))
        for i in invoices
        if rng.random() < _PAID_SHARE
    ]
