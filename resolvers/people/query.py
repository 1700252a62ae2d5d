"""People's root queries: customers and agents in the caller's scope. Values are decided by
the enforcement point; who may call each is the operation policy's say."""

from __future__ import annotations

import strawberry

from resolvers.paging import fetch_page
from resolvers.people.scope import visible_agents, visible_customers
from schema.context import Info, caller_of
from schema.page import PageRequest, parse_row_id
from schema.people.agent import Agent
from schema.people.connections import AgentConnection, CustomerConnection
from schema.people.customer import Customer


@strawberry.type
class PeopleQuery:
    @strawberry.field(description="One customer in your scope, or null.")
    async def customer(self, info: Info, id: strawberry.ID) -> Customer | None:
        row = await visible_customers(caller_of(info)).get_or_none(id=parse_row_id(id))
        return Customer.from_model(row) if row is not None else None

    @strawberry.field(description="Customers in your scope, by id.")
    async def customers(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> CustomerConnection:
        query = visible_customers(caller_of(info))
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return CustomerConnection(
            nodes=[Customer.from_model(r) for r in rows], page_info=page, count=query.count
        )

    @strawberry.field(description="One agent in your scope, or null.")
    async def agent(self, info: Info, id: strawberry.ID) -> Agent | None:
        row = await visible_agents(caller_of(info)).get_or_none(id=parse_row_id(id))
        return Agent.from_model(row) if row is not None else None

    @strawberry.field(description="Agents in your scope, by id.")
    async def agents(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> AgentConnection:
        query = visible_agents(caller_of(info))
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return AgentConnection(
            nodes=[Agent.from_model(r) for r in rows], page_info=page, count=query.count
        )
