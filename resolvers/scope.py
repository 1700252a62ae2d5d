"""Row scope: which rows a caller can reach at all. Out-of-scope rows simply are not found."""

from __future__ import annotations

from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from directives.context import Caller
from directives.vocabulary import Role
from models import Agent, Customer

# Research (P5.F) works on pseudonymised rows and aggregates only: an analyst reaches no
# customer or agent record, not even by id (ids would link research rows back to people).
NO_RECORDS: frozenset[Role] = frozenset({Role.ANALYST})


M = TypeVar("M", bound=Model)


def scoped(
    model: type[M], caller: Caller, *, customer: str | None, agent: str | None
) -> QuerySet[M]:
    """Rows of `model` the caller reaches: through `customer` (the lookup naming the
    caller's customer record) for customers, through `agent` for agents, none for roles
    without records, all for other staff. A missing lookup means none."""
    if caller.role is Role.CUSTOMER:
        lookup, own = customer, caller.customer_id
    elif caller.role is Role.AGENT:
        lookup, own = agent, caller.agent_id
    elif caller.role in NO_RECORDS:
        lookup, own = None, None
    else:
        return model.all()
    return model.filter(**{lookup: own or 0}) if lookup else model.filter(id=0)


def visible_customers(caller: Caller) -> QuerySet[Customer]:
    return scoped(Customer, caller, customer="id", agent="agent_id")


def visible_agents(caller: Caller) -> QuerySet[Agent]:
    """Customers see no agent record (none is theirs); an agent sees its own."""
    return scoped(Agent, caller, customer=None, agent="id")
