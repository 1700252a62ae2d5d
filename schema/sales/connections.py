"""Pages of contracts."""

from __future__ import annotations

import strawberry

from schema.page import Connection, Counted
from schema.sales.contract import Contract


@strawberry.type
class ContractConnection(Counted, Connection[Contract]):
    """A page of Contract rows."""
