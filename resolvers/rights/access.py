"""Access transparency: a customer reads who read, used or received its data (APPI art. 33,
33(5)): the audit about it and its provision records, newest first."""

from __future__ import annotations

from dataclasses import replace

import strawberry

from directives.reasons import ReasonCode, refused
from rights.access import history_page
from schema.context import Info, caller_of
from schema.page import EMPTY_PAGE, PageRequest, page_of
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
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> AccessEventConnection:
        if last is not None or before is not None:
            # Two streams merged newest first (audit entries, provision records): paged
            # forward only; each edge's cursor continues after its event.
            raise refused(
                ReasonCode.INVALID_VALUE,
                "Your access history pages forward only (first/after).",
                fields=["last", "before"],
            )
        size = PageRequest.parse(first, None).size
        position = decode_position(after)
        customer_id = caller_of(info).customer_id
        if customer_id is None:  # a customer account not bound to a record: nothing is its own
            return AccessEventConnection(nodes=[], page_info=EMPTY_PAGE)
        events, _, more = await history_page(customer_id, position, size)
        cursors = []
        for event in events:  # the position just after each event: its edge's cursor
            if event.entry is not None:
                position = replace(position, audit=(event.entry.request_id, event.entry.id))
            if event.provision is not None:
                position = replace(position, provision=event.provision.id)
            cursors.append(encode_position(position))
        return AccessEventConnection(
            nodes=[AccessEvent.of(e) for e in events],
            page_info=page_of(cursors, more=more, backward=False, moved=after is not None),
        )
