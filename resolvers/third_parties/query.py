"""Third parties' root queries: providers with their NDAs, and the provision records."""

from __future__ import annotations

import strawberry

from directives.audit import utc_now
from models import BusinessTransfer as TransferRow
from models import Disclosure as DisclosureRow
from models import Incident as IncidentRow
from models import Nda as NdaRow
from models import NdaOption
from models import Provider as ProviderRow
from models import ProvisionRecord as ProvisionRow
from resolvers.paging import fetch_page
from resolvers.third_parties.incidents import shown as shown_incident
from resolvers.third_parties.transfer import shown as shown_transfer
from schema.context import Info
from schema.page import PageRequest, parse_row_id
from schema.third_parties.connections import (
    DisclosureConnection,
    IncidentConnection,
    ProvisionRecordConnection,
)
from schema.third_parties.disclosure import Disclosure
from schema.third_parties.provider import Nda, Provider
from schema.third_parties.provision import ProvisionRecord
from schema.third_parties.transfer import BusinessTransfer


async def _ndas(provider: ProviderRow) -> list[Nda]:
    today = utc_now().date()
    out = []
    for nda in await NdaRow.filter(provider_id=provider.id).order_by("id"):
        codes = await NdaOption.filter(nda_id=nda.id).values_list("option__code", flat=True)
        out.append(Nda.from_model(nda, sorted(str(c) for c in codes), today))
    return out


@strawberry.type
class ThirdPartyQuery:
    @strawberry.field(description="Option providers and carriers, with their NDAs (P4.2).")
    async def providers(self, info: Info) -> list[Provider]:
        rows = await ProviderRow.all().order_by("id")
        return [Provider.from_model(row, await _ndas(row)) for row in rows]

    @strawberry.field(description="Business transfers (P8.3) and their notice state.")
    async def business_transfers(self, info: Info) -> list[BusinessTransfer]:
        return [await shown_transfer(r) for r in await TransferRow.all().order_by("id")]

    @strawberry.field(description="The incident register (APPI art. 26), in the order recorded.")
    async def incidents(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> IncidentConnection:
        rows, page = await fetch_page(IncidentRow.all(), PageRequest.parse(first, after))
        return IncidentConnection(nodes=[await shown_incident(r) for r in rows], page_info=page)

    @strawberry.field(
        description="Exceptional disclosures (P8.3) and their decisions, in the order requested."
    )
    async def disclosures(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> DisclosureConnection:
        rows, page = await fetch_page(DisclosureRow.all(), PageRequest.parse(first, after))
        return DisclosureConnection(nodes=[Disclosure.from_model(r) for r in rows], page_info=page)

    @strawberry.field(
        description="Records of provision to third parties (APPI art. 29), in the order "
        "written, optionally of one person: when, to whom, which fields, on which ground."
    )
    async def provision_records(
        self,
        info: Info,
        customer_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ProvisionRecordConnection:
        query = ProvisionRow.all()
        if customer_id is not None:
            query = query.filter(customer_id=parse_row_id(customer_id))
        rows, page = await fetch_page(query, PageRequest.parse(first, after))
        return ProvisionRecordConnection(
            nodes=[ProvisionRecord.from_model(r) for r in rows], page_info=page
        )
