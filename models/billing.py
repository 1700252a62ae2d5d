"""Billing of monthly fees (P5.E): invoices per contract and option, and payments received.

Money is integer yen. An issued invoice is immutable: a correction is a new invoice that
references the one it corrects. Payment records are kept 7 years after cancellation (P7.4).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from models.contracts import Contract, OptionService
from models.immutable import Immutable, ImmutableManager
from models.people import Customer


class LineKind(StrEnum):
    PLAN = "PLAN"
    OPTION = "OPTION"
    ADJUST = "ADJUST"  # a correction's difference from the lines it copies (may be negative)
    FEE = "FEE"  # a disclosure request's fee (P7.3: 2,100 yen from the second in a month)


class Invoice(Immutable):
    """One month of one contract, addressed as it was when issued (P5.E)."""

    id = fields.IntField(primary_key=True)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "models.Contract", related_name="invoices", on_delete=fields.RESTRICT
    )
    contract_id: int
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="invoices", on_delete=fields.RESTRICT
    )
    customer_id: int
    period = fields.DateField(description="First day of the billed month.")
    issued_on = fields.DateField()
    due_on = fields.DateField(db_index=True)
    total = fields.IntField()  # yen
    billing_name = fields.CharField(max_length=120)
    billing_postal_code = fields.CharField(max_length=10, default="")
    billing_address = fields.CharField(max_length=255, default="")
    corrects: fields.ForeignKeyNullableRelation[Invoice] = fields.ForeignKeyField(
        "models.Invoice", related_name="corrections", null=True, on_delete=fields.RESTRICT
    )
    corrects_id: int | None
    credit = fields.IntField(
        default=0, description="Yen already paid on the invoices this one corrects."
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "invoice"
        manager = ImmutableManager()
        indexes = (("customer_id", "id"),)  # a customer's own invoices
        # One correction per invoice, even when two are made at once (the chain is a line).
        unique_together = (("corrects",),)


class InvoiceLine(Immutable):
    """The plan or one option service on an invoice."""

    id = fields.IntField(primary_key=True)
    invoice: fields.ForeignKeyRelation[Invoice] = fields.ForeignKeyField(
        "models.Invoice", related_name="lines", on_delete=fields.RESTRICT
    )
    invoice_id: int
    kind = fields.CharEnumField(LineKind, max_length=8)
    option: fields.ForeignKeyNullableRelation[OptionService] = fields.ForeignKeyField(
        "models.OptionService", related_name="invoice_lines", null=True, on_delete=fields.RESTRICT
    )
    option_id: int | None
    description = fields.CharField(max_length=120)
    amount = fields.IntField()  # yen

    class Meta:
        table = "invoice_line"
        manager = ImmutableManager()


class Payment(Immutable):
    """Money received against an invoice (may be partial). Kept as recorded: a payment
    record is evidence kept 7 years after cancellation (P7.4)."""

    id = fields.IntField(primary_key=True)
    invoice: fields.ForeignKeyRelation[Invoice] = fields.ForeignKeyField(
        "models.Invoice", related_name="payments", on_delete=fields.RESTRICT
    )
    invoice_id: int
    amount = fields.IntField()  # yen
    received_on = fields.DateField()
    method = fields.CharField(max_length=20, default="DIRECT_DEBIT")
    recorded_by = fields.CharField(max_length=64, default="")

    class Meta:
        table = "payment"
        manager = ImmutableManager()
        indexes = (("invoice_id", "id"),)  # an invoice's payments (balances, overdue lists)
