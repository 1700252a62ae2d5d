"""Which inquiries a caller reaches: those of the customers it reaches."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from directives.context import Caller
from models import Inquiry
from resolvers.scope import scoped


def visible_inquiries(caller: Caller) -> QuerySet[Inquiry]:
    return scoped(Inquiry, caller, customer="customer_id", agent="customer__agent_id")
