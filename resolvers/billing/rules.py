"""The business rules of billing (P5.E), used by the mutations and by the demo seeding
alike: one place per rule. No GraphQL here."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from directives.usage import Use
from models import Contract, Customer, Invoice, InvoiceLine, OptionService
from models.billing import LineKind

PAYMENT_TERM = timedelta(days=30)  # an invoice is due 30 days after it is issued
# The customer's fields an invoice copies (as `addressed_to` does), for the use audit.
COPIED: dict[str, Use] = {"name": Use.COPY, "postalCode": Use.COPY, "address": Use.COPY}


def addressed_to(customer: Customer) -> dict[str, Any]:
    """An invoice keeps the billing name and address as they were when it was issued."""
    return {
        "billing_name": customer.name,
        "billing_postal_code": customer.postal_code,
        "billing_address": customer.address,
    }


def monthly_invoice(
    month: date, contract: Contract, customer: Customer, options: list[OptionService]
) -> Invoice:
    """The invoice for one month of a contract: its plan and the options billed with it."""
    return Invoice(
        contract_id=contract.id,
        customer_id=customer.id,
        period=month,
        issued_on=month,
        due_on=month + PAYMENT_TERM,
        total=contract.monthly_fee + sum(o.monthly_fee for o in options),
        **addressed_to(customer),
    )


def monthly_lines(
    invoice: Invoice, contract: Contract, options: list[OptionService]
) -> list[InvoiceLine]:
    """A PLAN line, then one OPTION line per option, summing to the invoice's total."""
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
        for o in options
    ]


def correction_lines(
    original_lines: list[InvoiceLine], correction: Invoice, reason: str
) -> list[InvoiceLine]:
    """A correction copies the original's lines and adds an ADJUST line for the difference."""
    copies = [
        InvoiceLine(
            invoice_id=correction.id,
            kind=line.kind,
            option_id=line.option_id,
            description=line.description,
            amount=line.amount,
        )
        for line in original_lines
    ]
    difference = correction.total - sum(line.amount for line in original_lines)
    adjust = InvoiceLine(
        invoice_id=correction.id,
        kind=LineKind.ADJUST,
        description=f"訂正: {reason.strip()[:100]}",
        amount=difference,
    )
    return [*copies, adjust]
