"""Pages of provision records, exceptional disclosures and incidents (keyset, by id)."""

from __future__ import annotations

import strawberry

from schema.page import PageInfo
from schema.third_parties.disclosure import Disclosure
from schema.third_parties.incident import Incident
from schema.third_parties.provision import ProvisionRecord


@strawberry.type
class ProvisionRecordConnection:
    nodes: list[ProvisionRecord]
    page_info: PageInfo


@strawberry.type
class DisclosureConnection:
    nodes: list[Disclosure]
    page_info: PageInfo


@strawberry.type
class IncidentConnection:
    nodes: list[Incident]
    page_info: PageInfo
