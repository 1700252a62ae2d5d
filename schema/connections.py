"""Pages of customers and agents."""

from __future__ import annotations

import strawberry

from schema.agent import Agent
from schema.customer import Customer
from schema.page import PageInfo


@strawberry.type
class CustomerConnection:
    nodes: list[Customer]
    page_info: PageInfo


@strawberry.type
class AgentConnection:
    nodes: list[Agent]
    page_info: PageInfo
