"""Access transparency: a customer reads who read or used its data (APPI art. 33)."""

from __future__ import annotations

import strawberry

from resolvers.paging import fetch_page
from rights.access import about_customer
from schema.context import Info, caller_of
from schema.page import PageRequest
from schema.rights.access import AccessEvent, AccessEventConnection


@strawberry.type
class AccessQuery:
    @strawberry.field(
        description="Who read or used your data or your contacts', oldest first: role, login "
        "for staff, purpose, fields, decision, when. Never anyone else's."
    )
    async def my_access_history(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> AccessEventConnection:
        query = await about_customer(caller_of(info).customer_id or 0)
        rows, page = await fetch_page(query, PageRequest.parse(first, after, last, before))
        return AccessEventConnection(
            nodes=[AccessEvent.from_model(r) for r in rows], page_info=page
        )
