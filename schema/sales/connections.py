"""Pages of contracts."""

from __future__ import annotations

import strawberry

from schema.page import PageInfo
from schema.sales.contract import Contract


@strawberry.type
class ContractConnection:
    nodes: list[Contract]
    page_info: PageInfo
