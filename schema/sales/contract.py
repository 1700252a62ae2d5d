"""A CRM service contract (P5.A). Its customer and agent are reached through their own
personal-bearing types, so the enforcement point decides their values."""

from __future__ import annotations

from datetime import date

import strawberry

from models import Contract as ContractRow
from models.contracts import Plan as Plan  # re-exported: registered below as a GraphQL enum
from schema.context import Context
from schema.people.agent import Agent
from schema.people.customer import Customer, load_customer
from schema.sales.option_service import OptionSubscription

strawberry.enum(Plan, description="Plan of the CRM service.")


@strawberry.type(description="A contract for the CRM service (P5.A).")
class Contract:
    id: strawberry.ID
    plan: Plan
    monthly_fee: int = strawberry.field(description="Yen per month.")
    started_on: date
    cancelled_on: date | None
    customer_id: strawberry.Private[int]
    agent_id: strawberry.Private[int | None]

    @strawberry.field(description="The customer, if in your scope.")
    async def customer(self, info: strawberry.Info[Context, None]) -> Customer | None:
        return await load_customer(info, self.customer_id)

    @strawberry.field(description="The agent who brought the customer in, if visible to you.")
    async def agent(self, info: strawberry.Info[Context, None]) -> Agent | None:
        if self.agent_id is None:
            return None
        row = await info.context.loaders.agent.load(self.agent_id)
        return Agent.from_model(row) if row is not None else None

    @strawberry.field(description="Option services on this contract (P5.B).")
    async def options(self, info: strawberry.Info[Context, None]) -> list[OptionSubscription]:
        rows = await info.context.loaders.options_of_contract.load(int(self.id))
        return [OptionSubscription.from_model(r) for r in rows]

    @classmethod
    def from_model(cls, row: ContractRow) -> Contract:
        return cls(
            id=strawberry.ID(str(row.id)),
            plan=row.plan,
            monthly_fee=row.monthly_fee,
            started_on=row.started_on,
            cancelled_on=row.cancelled_on,
            customer_id=row.customer_id,
            agent_id=row.agent_id,
        )
