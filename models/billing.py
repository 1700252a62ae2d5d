"""Billing of monthly fees (P5.E): invoices per contract and option, and payments received.

Money is integer yen. An issued invoice is immutable: a correction is a new invoice that
references the one it corrects. Payment records are kept 7 years after cancellation (P7.4).
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from tortoise import fields
from tortoise.models import Model

from models.contracts import Contract, OptionService
from models.immutable import Immutable
from models.people import Customer


class LineKind(StrEnum):
    PLAN = "PLAN"
    OPTION = "OPTION"


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
    created_at = fields.DatetimeField(auto_now_add=True)

    PERSONAL_COLUMNS: ClassVar[frozenset[str]] = frozenset(
        {"billing_name", "billing_postal_code", "billing_address"}
    )

    class Meta:
        table = "invoice"


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


class Payment(Model):
    """Money received against an invoice (may be partial)."""

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
