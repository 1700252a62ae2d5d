"""Customers and sales agents: the people whose personal information (P1) we hold."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Actor(StrEnum):
    """Who changed a record (P3.4): the ID holder, a contact acting through it (P7.2), or an
    operator (staff, or the purge)."""

    HOLDER = "HOLDER"
    CONTACT = "CONTACT"
    OPERATOR = "OPERATOR"


class BankAccountColumns:
    """Bank account columns shared by customers (direct debit) and agents (margin payouts)."""

    bank_name = fields.CharField(max_length=60, default="")
    bank_branch = fields.CharField(max_length=60, default="")
    account_type = fields.CharField(max_length=10, default="普通")
    account_number = fields.CharField(max_length=20, default="")
    account_holder = fields.CharField(max_length=120, default="")


class Agent(BankAccountColumns, Model):
    """A sales agent: brings customers in and is paid margins (P5.E)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=20, unique=True)
    name = fields.CharField(max_length=120)
    phone = fields.CharField(max_length=20, default="")
    email = fields.CharField(max_length=254, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "agent"


class Customer(BankAccountColumns, Model):
    """A customer of the CRM service, with every P1 item."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120)
    name_kana = fields.CharField(max_length=120, default="")
    birth_date = fields.DateField(null=True)
    postal_code = fields.CharField(max_length=10, default="")
    address = fields.CharField(max_length=255, default="")
    phone = fields.CharField(max_length=20, default="")
    fax = fields.CharField(max_length=20, default="")
    email = fields.CharField(max_length=254, default="")
    agent: fields.ForeignKeyNullableRelation[Agent] = fields.ForeignKeyField(
        "models.Agent", related_name="customers", null=True, on_delete=fields.RESTRICT
    )
    agent_id: int | None
    # Consent (P5): a customer may withdraw from surveys (G) and announcements (H).
    survey_opt_out = fields.BooleanField(default=False)
    marketing_opt_out = fields.BooleanField(default=False)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # Set when the purge anonymised the record after its retention period (P7.4).
    anonymised_at = fields.DatetimeField(null=True)

    class Meta:
        table = "customer"
        # Every search filter and sort of `customerSearch`, and an agent's own customers: the
        # column, then the id that breaks ties (keyset pages, no sort, no scan).
        indexes = (
            ("phone", "id"),
            ("email", "id"),
            ("name", "id"),
            ("name_kana", "id"),
            ("birth_date", "id"),
            ("agent_id", "id"),
        )


class CustomerVersion(Model):
    """A past state of a customer record (P3.4: past values are kept, never overwritten away).

    One row per change, holding the values as they were *before* the change; `changed_by`
    and `actor` say who made that change (read through `Customer.history`).
    """

    id = fields.BigIntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="versions", on_delete=fields.RESTRICT
    )
    version = fields.IntField()
    values: fields.Field[dict[str, object]] = fields.JSONField()
    changed_by = fields.CharField(max_length=64)
    actor = fields.CharEnumField(Actor, max_length=10, default=Actor.HOLDER)
    contact_id = fields.IntField(null=True)  # the contact who asked for it (actor CONTACT)
    changed_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "customer_version"
        unique_together = (("customer", "version"),)


class Contact(Model):
    """A customer company's staff member without a user ID (P7.2): kept by the ID holder.

    Contacts cannot log in; their personal data is reached only through the customer.
    """

    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="contacts", on_delete=fields.RESTRICT
    )
    customer_id: int
    name = fields.CharField(max_length=120)
    department = fields.CharField(max_length=120, default="")
    phone = fields.CharField(max_length=20, default="")
    email = fields.CharField(max_length=254, default="")
    version = fields.IntField(default=1)
    history: fields.Field[list[dict[str, object]]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contact"
        # A customer's contacts (its record, the access history's subjects), in order.
        indexes = (("customer_id", "id"),)
