"""Contact (P5.C, P5.D): the support dashboard of open inquiries.

An inquiry's subject and messages are free text a customer may fill with anything personal:
they are `@personal(category: FREE_TEXT)`, so the enforcement point decides and audits them
like any personal field. Listing them needs the purpose matching the inquiry's kind (C about
applications, D about administration; never both at once).
"""

from __future__ import annotations

import strawberry

from directives.errors import ErrorCode, PrivacyError
from directives.vocabulary import Purpose, Role
from models.contact import InquiryKind, InquiryStatus
from resolvers.business_scope import visible_inquiries
from resolvers.paging import fetch_page
from resolvers.permissions import allow
from resolvers.people.query import Info, caller_of
from resolvers.query_by import require_purpose
from schema.business_connections import InquiryConnection
from schema.inquiries.inquiry import Inquiry
from schema.page import PageRequest

PURPOSE_OF: dict[InquiryKind, Purpose] = {
    InquiryKind.APPLICATION: Purpose.C,
    InquiryKind.ADMINISTRATION: Purpose.D,
}
KIND_OF: dict[Purpose, InquiryKind] = {p: k for k, p in PURPOSE_OF.items()}


def require_kind_purpose(info: Info, kind: InquiryKind | None) -> InquiryKind:
    """The kind the declared purpose serves; `kind`, if given, must be that one."""
    declared = require_purpose(info, *KIND_OF)
    if kind is not None and kind is not KIND_OF[declared]:
        raise PrivacyError(
            ErrorCode.PURPOSE_REQUIRED,
            f"Inquiries of this kind must be declared with purpose {PURPOSE_OF[kind].value}.",
        )
    return KIND_OF[declared]


@strawberry.type
class InquiryQuery:
    @strawberry.field(
        description="Support dashboard: inquiries still open of the kind the declared "
        "purpose serves (C: applications, D: administration).",
        permission_classes=[allow(Role.SUPPORT)],
    )
    async def open_inquiries(
        self,
        info: Info,
        kind: InquiryKind | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> InquiryConnection:
        served = require_kind_purpose(info, kind)
        query = visible_inquiries(caller_of(info)).filter(status=InquiryStatus.OPEN, kind=served)
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return InquiryConnection(
            nodes=[Inquiry.from_model(r) for r in rows], page_info=page, count=query.count
        )
