"""Applications (P5.A, P5.B) as agents and support read them, and the customer search."""

from __future__ import annotations

from enum import StrEnum

import strawberry

from directives.vocabulary import Role
from models import OptionService as OptionServiceRow
from resolvers.business_scope import visible_contracts
from resolvers.offset_paging import fetch_sorted
from resolvers.paging import fetch_page
from resolvers.permissions import allow
from resolvers.people.query import Info, caller_of
from resolvers.query_by import consenting, require_query_by
from resolvers.scope import visible_customers
from schema.business_connections import ContractConnection, CustomerSearchConnection
from schema.sales.contract import Contract
from schema.people.customer import Customer
from schema.sales.option_service import OptionService
from schema.page import PageRequest, parse_row_id

SALES = (Role.CUSTOMER, Role.AGENT, Role.SUPPORT, Role.BILLING)
# Research (P5.F) and audit read no customer record: no search either (P5.F re-identification).
SEARCHERS = tuple(r for r in Role if r not in (Role.ANALYST, Role.AUDITOR))


@strawberry.enum(description="Sort order of a customer search; personal orders need clear.")
class CustomerOrder(StrEnum):
    ID = "ID"
    NAME = "NAME"
    NAME_KANA = "NAME_KANA"
    BIRTH_DATE = "BIRTH_DATE"


# order -> (GraphQL field the rule checks, column sorted by)
_ORDERS: dict[CustomerOrder, tuple[str | None, str]] = {
    CustomerOrder.ID: (None, "id"),
    CustomerOrder.NAME: ("name", "name"),
    CustomerOrder.NAME_KANA: ("nameKana", "name_kana"),
    CustomerOrder.BIRTH_DATE: ("birthDate", "birth_date"),
}


@strawberry.input(description="Exact matches; each personal field needs it in clear.")
class CustomerSearch:
    name: str | None = None
    phone: str | None = None
    email: str | None = None


_FILTERS = {"name": "name", "phone": "phone", "email": "email"}  # input -> GraphQL field


@strawberry.type
class SalesQuery:
    @strawberry.field(
        description="Contracts in your scope (P5.A): an agent's own customers' only.",
        permission_classes=[allow(*SALES)],
    )
    async def contracts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> ContractConnection:
        query = visible_contracts(caller_of(info))
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return ContractConnection(nodes=[Contract.from_model(r) for r in rows], page_info=page)

    @strawberry.field(
        description="One contract in your scope, or null.", permission_classes=[allow(*SALES)]
    )
    async def contract(self, info: Info, id: strawberry.ID) -> Contract | None:
        row = await visible_contracts(caller_of(info)).get_or_none(id=parse_row_id(id))
        return Contract.from_model(row) if row is not None else None

    @strawberry.field(description="The option service catalogue (P5.B).")
    async def option_services(self) -> list[OptionService]:
        return [OptionService.from_model(r) for r in await OptionServiceRow.all().order_by("id")]

    @strawberry.field(
        description="Find customers in your scope by exact name, phone or e-mail, sorted. "
        "Searching or sorting by a personal field is refused unless your role sees it in "
        "clear under the declared purpose.",
        permission_classes=[allow(*SEARCHERS)],
    )
    async def customer_search(
        self,
        info: Info,
        where: CustomerSearch | None = None,
        order_by: CustomerOrder = CustomerOrder.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> CustomerSearchConnection:
        matches = {k: v for k, v in vars(where or CustomerSearch()).items() if v is not None}
        checked, column = _ORDERS[order_by]
        personal = [_FILTERS[k] for k in matches] + ([checked] if checked else [])
        require_query_by(info, type_name="Customer", fields=personal)
        query = visible_customers(caller_of(info)).filter(**matches)
        if personal:
            query = consenting(query, info.context.purpose)
        rows, page = await fetch_sorted(query, (column,), first, after)
        return CustomerSearchConnection(
            nodes=[Customer.from_model(r) for r in rows],
            page_info=page,
            count=query.count,
        )
