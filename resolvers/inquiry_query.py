"""Contact (P5.C, P5.D): the support dashboard of open inquiries."""

from __future__ import annotations

import strawberry

from directives.vocabulary import Role
from models.contact import InquiryKind, InquiryStatus
from resolvers.business_scope import visible_inquiries
from resolvers.paging import fetch_page
from resolvers.permissions import allow
from resolvers.query import Info, caller_of
from schema.business_connections import InquiryConnection
from schema.inquiry import Inquiry
from schema.page import PageRequest


@strawberry.type
class InquiryQuery:
    @strawberry.field(
        description="Support dashboard: inquiries still open, of one kind or both.",
        permission_classes=[allow(Role.SUPPORT)],
    )
    async def open_inquiries(
        self,
        info: Info,
        kind: InquiryKind | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> InquiryConnection:
        query = visible_inquiries(caller_of(info)).filter(status=InquiryStatus.OPEN)
        if kind is not None:
            query = query.filter(kind=kind)
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return InquiryConnection(
            nodes=[Inquiry.from_model(r) for r in rows],
            page_info=page,
            total_count=await query.count(),
        )
