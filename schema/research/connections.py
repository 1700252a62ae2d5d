"""Pages of research rows."""

from __future__ import annotations

import strawberry

from schema.page import Connection
from schema.research.view import ResearchGeneralisation, ResearchRecord


@strawberry.type
class ResearchRecordConnection(Connection[ResearchRecord]):
    """A page of ResearchRecord rows, and how they were generalised."""

    generalisation: ResearchGeneralisation
