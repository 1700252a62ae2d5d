"""Research (P5.F): the per-deployment key behind pseudonyms, and each analyst's privacy budget.

The key is generated at random on first use and kept in the database, so pseudonyms are stable
within a deployment and differ between deployments; it is never in code or in a global.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.account import Account


class ResearchKey(Model):
    id = fields.IntField(primary_key=True)
    secret = fields.CharField(max_length=64)  # hex of 32 random bytes
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "research_key"


class PrivacyBudget(Model):
    """What one analyst has spent of their differential-privacy budget (P5.F), in millionths
    of epsilon: aggregates are refused once the next answer would pass the deployment's total.
    Only grows; one row per account, keyed by it, so concurrent first spends agree on one row."""

    account: fields.OneToOneRelation[Account] = fields.OneToOneField(
        "models.Account", related_name="privacy_budget", on_delete=fields.RESTRICT, primary_key=True
    )
    account_id: int
    spent_micro = fields.BigIntField(default=0)  # epsilon x 1,000,000, never a float
    answers = fields.IntField(default=0)  # how many noisy answers were released
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "research_budget"
