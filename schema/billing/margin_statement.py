"""An agent's monthly margin statement (P5.E): immutable, with one line per contract."""

from __future__ import annotations

from datetime import date

import strawberry

from models import MarginLine as MarginLineRow
from models import MarginStatement as MarginStatementRow
from schema.billing.payout import Payout
from schema.context import Context
from schema.people.agent import Agent
from schema.people.customer import Customer, load_customer


@strawberry.type(description="The margin earned on one contract.")
class MarginLine:
    amount: int = strawberry.field(description="Yen.")
    contract_id: strawberry.ID

    @strawberry.field(description="The contract's customer, if in your scope.")
    async def customer(self, info: strawberry.Info[Context, None]) -> Customer | None:
        contract = await info.context.loaders.contract.load(int(self.contract_id))
        return await load_customer(info, contract.customer_id if contract else None)

    @classmethod
    def from_model(cls, row: MarginLineRow) -> MarginLine:
        return cls(amount=row.amount, contract_id=strawberry.ID(str(row.contract_id)))


@strawberry.type(description="An agent's margin for one month (P5.E). Corrections are new.")
class MarginStatement:
    id: strawberry.ID
    period: date = strawberry.field(description="First day of the month.")
    issued_on: date
    total: int = strawberry.field(description="Yen.")
    corrects_id: strawberry.ID | None
    row_id: strawberry.Private[int]
    agent_id: strawberry.Private[int]

    @strawberry.field
    async def agent(self, info: strawberry.Info[Context, None]) -> Agent | None:
        row = await info.context.loaders.agent.load(self.agent_id)
        return Agent.from_model(row) if row is not None else None

    @strawberry.field(
        description="The statement that corrects this one (its latest version is counted in "
        "`monthlyTotals` instead), or null while this one is the latest."
    )
    async def superseded_by(self, info: strawberry.Info[Context, None]) -> strawberry.ID | None:
        rows = await info.context.loaders.corrections_of_statement.load(self.row_id)
        return strawberry.ID(str(rows[-1].id)) if rows else None

    @strawberry.field
    async def lines(self, info: strawberry.Info[Context, None]) -> list[MarginLine]:
        rows = await info.context.loaders.lines_of_statement.load(self.row_id)
        return [MarginLine.from_model(r) for r in rows]

    @strawberry.field
    async def payouts(self, info: strawberry.Info[Context, None]) -> list[Payout]:
        rows = await info.context.loaders.payouts_of_statement.load(self.row_id)
        return [Payout.from_model(r) for r in rows]

    @classmethod
    def from_model(cls, row: MarginStatementRow) -> MarginStatement:
        return cls(
            id=strawberry.ID(str(row.id)),
            period=row.period,
            issued_on=row.issued_on,
            total=row.total,
            corrects_id=strawberry.ID(str(row.corrects_id)) if row.corrects_id else None,
            row_id=row.id,
            agent_id=row.agent_id,
        )
