"""Accounts: who can call the API, with which role, acting for which customer or agent."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.people import Agent, Customer


class Role(StrEnum):
    CUSTOMER = "CUSTOMER"
    AGENT = "AGENT"
    SUPPORT = "SUPPORT"
    BILLING = "BILLING"
    MARKETING = "MARKETING"
    ANALYST = "ANALYST"
    ADMIN = "ADMIN"
    AUDITOR = "AUDITOR"


class Account(Model):
    id = fields.IntField(primary_key=True)
    login = fields.CharField(max_length=64, unique=True)
    role = fields.CharEnumField(Role, max_length=16)
    # SHA-256 of a 256-bit random bearer token: the token itself is never stored.
    token_hash = fields.CharField(max_length=64, unique=True, null=True)
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="accounts", null=True, on_delete=fields.RESTRICT
    )
    customer_id: int | None
    agent: fields.ForeignKeyNullableRelation[Agent] = fields.ForeignKeyField(
        "models.Agent", related_name="accounts", null=True, on_delete=fields.RESTRICT
    )
    agent_id: int | None
    disabled = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "account"
