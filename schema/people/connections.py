"""Pages of customers and agents."""

from __future__ import annotations

import strawberry

from schema.page import Connection, Counted
from schema.people.agent import Agent
from schema.people.customer import Customer


@strawberry.type
class CustomerConnection(Counted, Connection[Customer]):
    """A page of customers; `totalCount` counts those in your scope."""


@strawberry.type
class AgentConnection(Counted, Connection[Agent]):
    """A page of Agent rows."""


@strawberry.type(description="Customers found by a search, in your scope.")
class CustomerSearchConnection(Counted, Connection[Customer]):
    """A page of CustomerSearch rows."""
