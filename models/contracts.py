"""Applications: CRM service contracts (P5.A) and option services (P5.B)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.people import Agent, Customer


class Plan(StrEnum):
    LIGHT = "LIGHT"
    STANDARD = "STANDARD"
    PREMIUM = "PREMIUM"


# Monthly fee of each plan, in yen (integers: money is never a float).
PLAN_FEES: dict[Plan, int] = {Plan.LIGHT: 3_300, Plan.STANDARD: 5_500, Plan.PREMIUM: 11_000}


class Contract(Model):
    """A customer's contract for the CRM service (P5.A), and the agent who brought them."""

    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="contracts", on_delete=fields.RESTRICT
    )
    customer_id: int
    agent: fields.ForeignKeyNullableRelation[Agent] = fields.ForeignKeyField(
        "models.Agent", related_name="contracts", null=True, on_delete=fields.RESTRICT
    )
    agent_id: int | None
    plan = fields.CharEnumField(Plan, max_length=16)
    monthly_fee = fields.IntField()  # yen
    started_on = fields.DateField()
    cancelled_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contract"
        indexes = (("customer_id", "id"), ("agent_id", "id"))  # customers' and agents' own


class OptionService(Model):
    """The option catalogue (P5.B). Some are run by outside providers under an NDA (P4.2)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=20, unique=True)
    name = fields.CharField(max_length=120)
    monthly_fee = fields.IntField()  # yen
    provider = fields.CharField(max_length=120, default="")  # "" = run by the operator

    class Meta:
        table = "option_service"


class OptionSubscription(Model):
    """One option service subscribed on one contract (P5.B)."""

    id = fields.IntField(primary_key=True)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "models.Contract", related_name="options", on_delete=fields.RESTRICT
    )
    contract_id: int
    option: fields.ForeignKeyRelation[OptionService] = fields.ForeignKeyField(
        "models.OptionService", related_name="subscriptions", on_delete=fields.RESTRICT
    )
    option_id: int
    started_on = fields.DateField()
    cancelled_on = fields.DateField(null=True)

    class Meta:
        table = "option_subscription"
        unique_together = (("contract", "option", "started_on"),)
