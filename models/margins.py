"""Agents' margins (P5.E): monthly statements, their lines, and payouts to the bank account.

A statement once issued is immutable; a correction is a new statement referencing it.
"""

from __future__ import annotations

from tortoise import fields

from models.contracts import Contract
from models.immutable import Immutable, ImmutableManager
from models.people import Agent, BankAccountColumns


class MarginStatement(Immutable):
    """One agent's margin for one month."""

    id = fields.IntField(primary_key=True)
    agent: fields.ForeignKeyRelation[Agent] = fields.ForeignKeyField(
        "models.Agent", related_name="margin_statements", on_delete=fields.RESTRICT
    )
    agent_id: int
    period = fields.DateField(description="First day of the month.")
    issued_on = fields.DateField()
    total = fields.IntField()  # yen
    corrects: fields.ForeignKeyNullableRelation[MarginStatement] = fields.ForeignKeyField(
        "models.MarginStatement", related_name="corrections", null=True, on_delete=fields.RESTRICT
    )
    corrects_id: int | None

    class Meta:
        table = "margin_statement"
        manager = ImmutableManager()


class MarginLine(Immutable):
    """The margin earned on one contract in the statement's month."""

    id = fields.IntField(primary_key=True)
    statement: fields.ForeignKeyRelation[MarginStatement] = fields.ForeignKeyField(
        "models.MarginStatement", related_name="lines", on_delete=fields.RESTRICT
    )
    statement_id: int
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "models.Contract", related_name="margin_lines", on_delete=fields.RESTRICT
    )
    contract_id: int
    amount = fields.IntField()  # yen

    class Meta:
        table = "margin_line"
        manager = ImmutableManager()


class Payout(BankAccountColumns, Immutable):
    """A transfer of a statement's margin to the agent's bank account, as it was then."""

    id = fields.IntField(primary_key=True)
    statement: fields.ForeignKeyRelation[MarginStatement] = fields.ForeignKeyField(
        "models.MarginStatement", related_name="payouts", on_delete=fields.RESTRICT
    )
    statement_id: int
    agent: fields.ForeignKeyRelation[Agent] = fields.ForeignKeyField(
        "models.Agent", related_name="payouts", on_delete=fields.RESTRICT
    )
    agent_id: int
    amount = fields.IntField()  # yen
    paid_on = fields.DateField()

    class Meta:
        table = "payout"
        manager = ImmutableManager()
