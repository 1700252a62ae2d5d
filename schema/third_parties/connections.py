"""Pages of provision records, exceptional disclosures and incidents (keyset, by id)."""

from __future__ import annotations

import strawberry

from schema.page import Connection
from schema.third_parties.disclosure import Disclosure
from schema.third_parties.incident import Incident
from schema.third_parties.provision import ProvisionRecord


@strawberry.type
class ProvisionRecordConnection(Connection[ProvisionRecord]):
    """A page of provision records."""


@strawberry.type
class DisclosureConnection(Connection[Disclosure]):
    """A page of exceptional disclosures."""


@strawberry.type
class IncidentConnection(Connection[Incident]):
    """A page of the incident register."""
