"""Sales DataLoaders: contracts in scope, the option catalogue, a contract's options."""

from __future__ import annotations

from typing import Any

from directives.context import Caller
from models import OptionService, OptionSubscription
from resolvers.batching import by_id, by_parent, by_parent_in
from resolvers.sales.scope import visible_contracts


def sales_loaders(caller: Caller) -> dict[str, Any]:
    return {
        "contract": by_id(lambda: visible_contracts(caller)),
        "option": by_id(OptionService.all),
        "options_of_contract": by_parent(OptionSubscription, "contract_id"),
        # A customer's contracts, as `contracts` would list them to the caller.
        "contracts_of_customer": by_parent_in(lambda: visible_contracts(caller), "customer_id"),
    }
