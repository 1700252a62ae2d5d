"""Accounts: who can call the API, with which role, acting for which customer or agent."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.people import Agent, Customer
from models.third_parties import Provider


class Role(StrEnum):
    CUSTOMER = "CUSTOMER"
    AGENT = "AGENT"
    SUPPORT = "SUPPORT"
    BILLING = "BILLING"
    MARKETING = "MARKETING"
    ANALYST = "ANALYST"
    ADMIN = "ADMIN"
    AUDITOR = "AUDITOR"
    PARTNER = "PARTNER"  # an option provider's staff, under its NDA (P4.2, P8.1)


class Reminder(StrEnum):
    """How often an account wants to be reminded to change its password (P4.4)."""

    NONE = "NONE"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"


class Activation(StrEnum):
    """Whether an account may be used. A login bound to an existing person (customer, agent)
    is usable only once a second administrator approved it and the person activated it with
    the code sent to the contact details on record (auth.binding)."""

    ACTIVE = "ACTIVE"
    AWAITING_APPROVAL = "AWAITING_APPROVAL"
    AWAITING_PERSON = "AWAITING_PERSON"


class Account(Model):
    """P7.1: one user ID per customer (and per agent) - unique columns, not only a check."""

    id = fields.IntField(primary_key=True)
    login = fields.CharField(max_length=64, unique=True)
    role = fields.CharEnumField(Role, max_length=16)
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="accounts", null=True, on_delete=fields.RESTRICT
    )
    customer_id: int | None
    agent: fields.ForeignKeyNullableRelation[Agent] = fields.ForeignKeyField(
        "models.Agent", related_name="accounts", null=True, on_delete=fields.RESTRICT
    )
    agent_id: int | None
    # A PARTNER account belongs to one option provider (P8.1).
    provider: fields.ForeignKeyNullableRelation[Provider] = fields.ForeignKeyField(
        "models.Provider", related_name="accounts", null=True, on_delete=fields.RESTRICT
    )
    provider_id: int | None
    disabled = fields.BooleanField(default=False)
    activation = fields.CharEnumField(Activation, max_length=20, default=Activation.ACTIVE)
    # The administrator who created it; None: the operator's own data (seeding, migrations).
    created_by = fields.CharField(max_length=64, null=True)
    # Passwords (P4.4): argon2id; never forced to expire unless a compromise is suspected.
    password_hash = fields.CharField(max_length=255, null=True)
    password_changed_at = fields.DatetimeField(null=True)
    password_reminder = fields.CharEnumField(Reminder, max_length=8, default=Reminder.NONE)
    must_change_password = fields.BooleanField(default=False)
    # TOTP: the secret encrypted with the deployment key; the last accepted time step makes
    # each code usable once (updated atomically).
    totp_secret = fields.CharField(max_length=255, null=True)
    totp_confirmed = fields.BooleanField(default=False)
    totp_last_step = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "account"
        # The administrators' list, filtered by role or by state, in id order.
        indexes = (("role", "id"), ("disabled", "id"))
        unique_together = (("customer",), ("agent",))
