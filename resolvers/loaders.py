"""A request's DataLoaders, each domain's own, scoped to the caller (one query per level)."""

from __future__ import annotations

from directives.context import Caller
from resolvers.accounts.loaders import account_loaders
from resolvers.billing.loaders import billing_loaders
from resolvers.inquiries.loaders import inquiry_loaders
from resolvers.people.loaders import people_loaders
from resolvers.sales.loaders import sales_loaders
from schema.loaders import BusinessLoaders


def build_loaders(caller: Caller) -> BusinessLoaders:
    """Children are reached only through a parent already in the caller's scope."""
    return BusinessLoaders(
        **people_loaders(caller),
        **sales_loaders(caller),
        **billing_loaders(caller),
        **inquiry_loaders(caller),
        **account_loaders(),
    )
