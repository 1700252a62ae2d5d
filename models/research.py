"""The per-deployment key behind research pseudonyms (P5.F).

Generated at random on first use and kept in the database, so pseudonyms are stable within a
deployment and differ between deployments; it is never in code or in a global.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ResearchKey(Model):
    id = fields.IntField(primary_key=True)
    secret = fields.CharField(max_length=64)  # hex of 32 random bytes
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "research_key"
