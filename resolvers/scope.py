"""Row scope: which rows a caller can reach at all. Out-of-scope rows simply are not found."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from directives.context import Caller
from directives.vocabulary import Role
from models import Agent, Customer

# Research (P5.F) works on pseudonymised rows and aggregates only: an analyst reaches no
# customer or agent record, not even by id (ids would link research rows back to people).
NO_RECORDS: frozenset[Role] = frozenset({Role.ANALYST})


def visible_customers(caller: Caller) -> QuerySet[Customer]:
    if caller.role is Role.CUSTOMER:
        return Customer.filter(id=caller.customer_id or 0)
    if caller.role is Role.AGENT:
        return Customer.filter(agent_id=caller.agent_id or 0)
    if caller.role in NO_RECORDS:
        return Customer.filter(id=0)
    return Customer.all()


def visible_agents(caller: Caller) -> QuerySet[Agent]:
    if caller.role is Role.AGENT:
        return Agent.filter(id=caller.agent_id or 0)
    if caller.role is Role.CUSTOMER or caller.role in NO_RECORDS:
        return Agent.filter(id=0)  # customers see no agent record (none is theirs)
    return Agent.all()
