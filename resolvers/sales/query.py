"""Applications (P5.A, P5.B) as customers, agents, support and billing read them."""

from __future__ import annotations

import strawberry

from models import OptionService as OptionServiceRow
from resolvers.paging import fetch_page
from resolvers.sales.scope import visible_contracts
from schema.context import Info, caller_of
from schema.page import PageRequest, parse_row_id
from schema.sales.connections import ContractConnection
from schema.sales.contract import Contract
from schema.sales.option_service import OptionService


@strawberry.type
class SalesQuery:
    @strawberry.field(
        description="Contracts in your scope (P5.A): an agent's own customers' only.",
    )
    async def contracts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> ContractConnection:
        query = visible_contracts(caller_of(info))
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return ContractConnection(
            nodes=[Contract.from_model(r) for r in rows], page_info=page, count=query.count
        )

    @strawberry.field(description="One contract in your scope, or null.")
    async def contract(self, info: Info, id: strawberry.ID) -> Contract | None:
        row = await visible_contracts(caller_of(info)).get_or_none(id=parse_row_id(id))
        return Contract.from_model(row) if row is not None else None

    @strawberry.field(description="The option service catalogue (P5.B).")
    async def option_services(self) -> list[OptionService]:
        return [OptionService.from_model(r) for r in await OptionServiceRow.all().order_by("id")]
