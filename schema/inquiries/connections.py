"""Pages of inquiries; `totalCount` counts only rows in scope."""

from __future__ import annotations

import strawberry

from schema.inquiries.inquiry import Inquiry
from schema.page import Connection, Counted


@strawberry.type
class InquiryConnection(Counted, Connection[Inquiry]):
    """A page of Inquiry rows."""
