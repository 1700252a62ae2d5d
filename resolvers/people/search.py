"""Finding customers by a personal field (name, kana, phone or e-mail) and sorting them.

Matches the way operators type: a phone with or without hyphens, in full-width digits or with
long-vowel marks for dashes; an e-mail in any case or full-width; kana in hiragana or
half-width katakana. Each input is brought to the canonical form the writes store
(`resolvers.validation`) and compared with an indexed key: `replace(phone, '-', '')` and
`lower(email)` (expression indexes, migration 0019), `name_kana` as stored.

A filter or a sort reveals a value as surely as selecting it: each personal field used must
be one the caller's role sees in clear under the declared purpose (`directives.filtering`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import strawberry
from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from directives.usage import Use
from models import Customer as CustomerRow
from resolvers.people.scope import visible_customers
from resolvers.query_by import consenting, counted_use, require_query_by
from resolvers.sorted_paging import fetch_sorted
from resolvers.validation import (
    email_key,
    fitting,
    normal_email,
    normal_kana,
    normal_phone,
    phone_key,
)
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


@strawberry.input(
    description="Matches; each personal field needs it in clear. Phone: with or without "
    "hyphens, full-width digits. E-mail: any case, full-width. Kana: katakana, hiragana or "
    "half-width katakana. Name: exact."
)
class CustomerSearch:
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    name_kana: str | None = None


# input -> GraphQL field the rule checks
_FILTERS = {"name": "name", "phone": "phone", "email": "email", "name_kana": "nameKana"}
# The keys the expression indexes of migration 0019 are built on (same SQL on both databases).
PHONE_KEY = """replace("customer"."phone", '-', '')"""
EMAIL_KEY = """lower("customer"."email")"""


# How each input is brought to the form the writes store (resolvers.validation's rules).
_CANONICAL = {"phone": normal_phone, "email": normal_email, "name_kana": normal_kana}


def matching(query: QuerySet[CustomerRow], matches: dict[str, str]) -> QuerySet[CustomerRow]:
    """`query` narrowed to the customers matching every given search field."""
    exact: dict[str, Any] = {}
    for name, value in matches.items():
        if name == "phone":
            query = query.annotate(phone_key=RawSQL(PHONE_KEY))
            exact["phone_key"] = phone_key(value)
        elif name == "email":
            query = query.annotate(email_key=RawSQL(EMAIL_KEY))
            exact["email_key"] = email_key(value)
        else:
            exact[name] = value
    return query.filter(**exact)


@strawberry.type
class SearchQuery:
    @strawberry.field(
        description="Find customers in your scope by name, kana, phone or e-mail (as typed: "
        "see CustomerSearch), sorted. "
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
        given = {k: v for k, v in vars(where or CustomerSearch()).items() if v is not None}
        matches = {k: _CANONICAL[k](v) if k in _CANONICAL else v for k, v in given.items()}
        fitting(CustomerRow, matches)
        checked, column = _ORDERS[order_by]
        used = {_FILTERS[k]: Use.FILTER for k in matches} | ({checked: Use.SORT} if checked else {})
        use = require_query_by(info, type_name="Customer", fields=used)
        # The operation respects consent (P5): people who withdrew it, or never gave it to a
        # named use, are neither matched, listed nor counted.
        query = consenting(matching(visible_customers(caller_of(info)), matches), info.context)
        rows, page = await fetch_sorted(query, column, first, after, last, before)
        use.subjects(r.id for r in rows)
        return CustomerSearchConnection(
            nodes=[Customer.from_model(r) for r in rows],
            page_info=page,
            count=counted_use(query, info.context.audit, used) if matches else query.count,
        )
