"""Pages of research rows."""

from __future__ import annotations

import strawberry

from schema.page import Connection
from schema.research.view import ResearchRecord


@strawberry.type
class ResearchRecordConnection(Connection[ResearchRecord]):
    """A page of ResearchRecord rows."""
