"""Pages of provision records."""

from __future__ import annotations

import strawberry

from schema.page import PageInfo
from schema.third_parties.provision import ProvisionRecord


@strawberry.type
class ProvisionRecordConnection:
    nodes: list[ProvisionRecord]
    page_info: PageInfo
