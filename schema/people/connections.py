"""Pages of customers and agents."""

from __future__ import annotations

import strawberry

from schema.people.agent import Agent
from schema.people.customer import Customer
from schema.page import PageInfo


@strawberry.type
class CustomerConnection:
    nodes: list[Customer]
    page_info: PageInfo


@strawberry.type
class AgentConnection:
    nodes: list[Agent]
    page_info: PageInfo
