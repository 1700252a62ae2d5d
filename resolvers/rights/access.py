"""Access transparency: a customer reads who read, used or received its data (APPI art. 33,
33(5)): the audit about it and its provision records, newest first."""

from __future__ import annotations

import strawberry

from rights.access import history_page
from schema.context import Info, caller_of
from schema.page import PageInfo, PageRequest
from schema.rights.access import (
    AccessEvent,
    AccessEventConnection,
    decode_position,
    encode_position,
)


@strawberry.type
class AccessQuery:
    @strawberry.field(
        description="Who read or used your data or your contacts', and every provision of "
        "it to a third party (APPI art. 33(5)), newest first: role, login for staff, purpose "
        "or ground, recipient, fields, decision, when. Never anyone else's."
    )
    async def my_access_history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> AccessEventConnection:
        size = PageRequest.parse(first, None).size
        position = decode_position(after)
        customer_id = caller_of(info).customer_id
        if customer_id is None:  # a customer account not bound to a record: nothing is its own
            return AccessEventConnection(
                nodes=[], page_info=PageInfo(end_cursor=None, has_next_page=False)
            )
        events, end, more = await history_page(customer_id, position, size)
        return AccessEventConnection(
            nodes=[AccessEvent.of(e) for e in events],
            page_info=PageInfo(
                end_cursor=encode_position(end) if events else None, has_next_page=more
            ),
        )
