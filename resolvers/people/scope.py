"""Which customers and agents a caller reaches."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from directives.context import Caller
from models import Agent, Customer
from resolvers.scope import scoped


def visible_customers(caller: Caller) -> QuerySet[Customer]:
    return scoped(Customer, caller, customer="id", agent="agent_id")


def visible_agents(caller: Caller) -> QuerySet[Agent]:
    """Customers see no agent record (none is theirs); an agent sees its own."""
    return scoped(Agent, caller, customer=None, agent="id")
