"""Pages of research rows."""

from __future__ import annotations

import strawberry

from schema.page import PageInfo
from schema.research.view import ResearchGeneralisation, ResearchRecord


@strawberry.type
class ResearchRecordConnection:
    nodes: list[ResearchRecord]
    page_info: PageInfo
    generalisation: ResearchGeneralisation
