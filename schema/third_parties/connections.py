"""Pages of provision records."""

from __future__ import annotations

import strawberry

from schema.page import Connection
from schema.third_parties.provision import ProvisionRecord


@strawberry.type
class ProvisionRecordConnection(Connection[ProvisionRecord]):
    """A page of provision records."""
