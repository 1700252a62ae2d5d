"""Contact (P5.C, P5.D): the support dashboard of open inquiries.

An inquiry's subject and messages are free text a customer may fill with anything personal:
they are `@personal(category: FREE_TEXT)`, so the enforcement point decides and audits them
like any personal field. Listing them needs the purpose matching the inquiry's kind (C about
applications, D about administration; never both at once).
"""

from __future__ import annotations

import strawberry

from directives.errors import ErrorCode, PrivacyError
from directives.operations import INQUIRY_PURPOSE, inquiry_kinds_or_refuse
from directives.vocabulary import Purpose
from models.contact import InquiryKind, InquiryStatus
from resolvers.inquiries.scope import visible_inquiries
from resolvers.paging import fetch_page
from resolvers.scope import own_records_only
from schema.context import Info, caller_of
from schema.inquiries.connections import InquiryConnection
from schema.inquiries.inquiry import Inquiry
from schema.page import PageRequest

KIND_OF: dict[Purpose, InquiryKind] = {p: k for k, p in INQUIRY_PURPOSE.items()}


def require_kind_purpose(purpose: Purpose | None, kind: InquiryKind | None) -> InquiryKind:
    """The kind the declared purpose serves (the operation policy admitted only C or D);
    `kind`, if given, must be that one."""
    served = KIND_OF[purpose] if purpose is not None else None
    if served is None or (kind is not None and kind is not served):
        raise wrong_purpose(kind or InquiryKind.APPLICATION)
    return served


def wrong_purpose(kind: InquiryKind) -> PrivacyError:
    return PrivacyError(
        ErrorCode.PURPOSE_REQUIRED,
        f"Inquiries of this kind must be declared with purpose {INQUIRY_PURPOSE[kind].value}.",
    )


@strawberry.type
class InquiryQuery:
    @strawberry.field(
        description="Support dashboard: inquiries still open of the kind the declared "
        "purpose serves (C: applications, D: administration).",
    )
    async def open_inquiries(
        self,
        info: Info,
        kind: InquiryKind | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> InquiryConnection:
        served = require_kind_purpose(info.context.purpose, kind)
        query = visible_inquiries(caller_of(info)).filter(status=InquiryStatus.OPEN, kind=served)
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return InquiryConnection(
            nodes=[Inquiry.from_model(r) for r in rows], page_info=page, count=query.count
        )

    @strawberry.field(
        description="Inquiries with their answers (`messages`), oldest first: a customer's "
        "own of every kind (P7.1); for support, those of the kind the declared purpose "
        "serves (C: applications, D: administration). Optionally only one kind or status.",
    )
    async def inquiries(
        self,
        info: Info,
        kind: InquiryKind | None = None,
        status: InquiryStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> InquiryConnection:
        caller = caller_of(info)
        kinds = inquiry_kinds_or_refuse(info.context.purpose, own=own_records_only(caller))
        query = visible_inquiries(caller).filter(kind__in=list(kinds))
        if kind is not None:
            query = query.filter(kind=kind)
        if status is not None:
            query = query.filter(status=status)
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return InquiryConnection(
            nodes=[Inquiry.from_model(r) for r in rows], page_info=page, count=query.count
        )
