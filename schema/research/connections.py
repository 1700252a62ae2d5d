"""Pages of research rows."""

from __future__ import annotations

import strawberry

from schema.page import PageInfo
from schema.research.view import ResearchRecord


@strawberry.type
class ResearchRecordConnection:
    nodes: list[ResearchRecord]
    page_info: PageInfo
