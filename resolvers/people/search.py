"""Finding customers by a personal field (exact name, phone or e-mail) and sorting them.

A filter or a sort reveals a value as surely as selecting it: each personal field used must
be one the caller's role sees in clear under the declared purpose (`directives.filtering`).
"""

from __future__ import annotations

from enum import StrEnum

import strawberry

from directives.usage import Use
from models import Customer as CustomerRow
from resolvers.people.scope import visible_customers
from resolvers.query_by import consenting, counted_use, require_query_by
from resolvers.sorted_paging import fetch_sorted
from resolvers.validation import fitting
from schema.context import Info, caller_of
from schema.people.connections import CustomerSearchConnection
from schema.people.customer import Customer


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
class SearchQuery:
    @strawberry.field(
        description="Find customers in your scope by exact name, phone or e-mail, sorted. "
        "Searching or sorting by a personal field is refused unless your role sees it in "
        "clear under the declared purpose.",
    )
    async def customer_search(
        self,
        info: Info,
        where: CustomerSearch | None = None,
        order_by: CustomerOrder = CustomerOrder.ID,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> CustomerSearchConnection:
        matches = {k: v for k, v in vars(where or CustomerSearch()).items() if v is not None}
        fitting(CustomerRow, matches)
        checked, column = _ORDERS[order_by]
        used = {_FILTERS[k]: Use.FILTER for k in matches} | ({checked: Use.SORT} if checked else {})
        use = require_query_by(info, type_name="Customer", fields=used)
        # The operation respects consent (P5): people who withdrew it, or never gave it to a
        # named use, are neither matched, listed nor counted.
        query = consenting(visible_customers(caller_of(info)).filter(**matches), info.context)
        rows, page = await fetch_sorted(query, column, first, after, last, before)
        use.subjects(r.id for r in rows)
        return CustomerSearchConnection(
            nodes=[Customer.from_model(r) for r in rows],
            page_info=page,
            count=counted_use(query, info.context.audit, used) if matches else query.count,
        )
