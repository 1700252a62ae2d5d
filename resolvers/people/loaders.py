"""People's DataLoaders: customers and agents by id within the caller's scope, and the
contacts of customers already returned (so already in scope)."""

from __future__ import annotations

from typing import Any

from directives.context import Caller
from models import Contact, CustomerVersion
from resolvers.batching import by_id, by_parent
from resolvers.people.scope import visible_agents, visible_customers


def people_loaders(caller: Caller) -> dict[str, Any]:
    return {
        "customer": by_id(lambda: visible_customers(caller)),
        "agent": by_id(lambda: visible_agents(caller)),
        "contacts_of_customer": by_parent(Contact, "customer_id"),
        # Past values of a customer already returned to the caller (P3.4).
        "versions_of_customer": by_parent(CustomerVersion, "customer_id"),
    }
