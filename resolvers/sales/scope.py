"""Which contracts a caller reaches: those of the customers it reaches."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from directives.context import Caller
from models import Contract
from resolvers.scope import scoped


def visible_contracts(caller: Caller) -> QuerySet[Contract]:
    return scoped(Contract, caller, customer="customer_id", agent="customer__agent_id")
