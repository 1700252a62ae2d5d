"""The analyst's view (P5.F): pseudonymised rows and k-anonymous aggregates only."""

from __future__ import annotations

import strawberry

from directives.usage import Use
from directives.vocabulary import Decision
from models import Customer as CustomerRow
from resolvers.offset_paging import page_list
from resolvers.query_by import require_query_by
from resolvers.research.anonymise import (
    CUSTOMER_KEYS,
    aggregate,
    deployment_key,
    k_anonymous,
    records,
)
from schema.context import Info
from schema.research.connections import ResearchRecordConnection
from schema.research.view import ResearchDimension, ResearchGroup

# Dimensions derived from a personal field: allowed only where research sees it masked.
_DERIVED_FROM = {
    ResearchDimension.PREFECTURE: "address",
    ResearchDimension.BIRTH_DECADE: "birthDate",
}


async def _key(info: Info) -> bytes:
    return info.context.pseudonym_key or await deployment_key()


@strawberry.type
class ResearchQuery:
    @strawberry.field(
        description="Customers for research, ordered by pseudonym (never by id): no id, no "
        "clear value, and only rows whose masked birth year, postal prefix, prefecture, plan, "
        "fee and option count are shared by at least 5 customers. Declare purpose F.",
    )
    async def research_records(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> ResearchRecordConnection:
        key = await _key(info)
        all_ids = await CustomerRow.all().values_list("id", flat=True)
        rows = k_anonymous(await records(key, list(all_ids)))  # type: ignore[arg-type]
        rows.sort(key=lambda r: r.pseudonym)
        chosen, page = page_list(rows, first, after, last, before)
        return ResearchRecordConnection(nodes=chosen, page_info=page)

    @strawberry.field(
        description="Customers counted by one dimension; groups under 5 are suppressed. "
        "Declare purpose F.",
    )
    async def research_aggregate(
        self, info: Info, dimension: ResearchDimension
    ) -> list[ResearchGroup]:
        use = None
        if dimension in _DERIVED_FROM:
            field = _DERIVED_FROM[dimension]
            use = require_query_by(
                info, type_name="Customer", fields={field: Use.GROUP}, needs=Decision.MASKED
            )
        fields = ("id", "birth_date", "address") if dimension in CUSTOMER_KEYS else ("id",)
        customers = await CustomerRow.all().only(*fields)
        if use is not None:
            use.aggregate(len(customers))
        return await aggregate(customers, dimension)
