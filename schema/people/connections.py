"""Pages of customers and agents."""

from __future__ import annotations

import strawberry

from schema.page import Counted, PageInfo
from schema.people.agent import Agent
from schema.people.customer import Customer


@strawberry.type
class CustomerConnection(Counted):
    nodes: list[Customer]
    page_info: PageInfo


@strawberry.type
class AgentConnection(Counted):
    nodes: list[Agent]
    page_info: PageInfo


@strawberry.type(description="Customers found by a search, in your scope.")
class CustomerSearchConnection(Counted):
    nodes: list[Customer]
    page_info: PageInfo
