"""Pages of contracts."""

from __future__ import annotations

import strawberry

from schema.page import Counted, PageInfo
from schema.sales.contract import Contract


@strawberry.type
class ContractConnection(Counted):
    nodes: list[Contract]
    page_info: PageInfo
