"""Pages of inquiries; `totalCount` counts only rows in scope."""

from __future__ import annotations

import strawberry

from schema.inquiries.inquiry import Inquiry
from schema.page import Counted, PageInfo


@strawberry.type
class InquiryConnection(Counted):
    nodes: list[Inquiry]
    page_info: PageInfo
