"""Delivery manifests (P8.2): staff produce, per carrier, the file it receives — name,
address and telephone number only — and each person in it gets a provision record."""

from __future__ import annotations

import strawberry

from directives.audit import utc_now
from directives.reasons import ReasonCode, refused
from models import DeliveryManifest as ManifestRow
from models import Provider
from models.third_parties import DeliveryKind, Ground, ProviderKind
from resolvers.people.scope import visible_customers
from resolvers.query_by import provided, require_visible
from resolvers.scope import not_found
from resolvers.third_parties.manifest import delivery_columns, manifest_csv
from schema.context import Info, caller_of
from schema.page import MAX_PAGE_SIZE, parse_row_id
from schema.people.customer import Customer
from schema.third_parties.delivery import DeliveryManifest


async def _carrier(carrier_id: strawberry.ID) -> Provider:
    row = await Provider.get_or_none(id=parse_row_id(carrier_id), kind=ProviderKind.CARRIER)
    if row is None:
        raise not_found("carrier")
    return row


def parse_customer_ids(ids_given: list[strawberry.ID]) -> list[int]:
    ids = sorted({parse_row_id(i) for i in ids_given})
    if not 1 <= len(ids) <= MAX_PAGE_SIZE:
        raise refused(
            ReasonCode.INVALID_VALUE,
            f"Name 1..{MAX_PAGE_SIZE} customers.",
            fields=["customerIds"],
        )
    return ids


@strawberry.type
class DeliveryMutation:
    @strawberry.mutation(
        description="Produce the delivery manifest for one carrier (P8.2): the CSV it "
        "receives, with the name, address and telephone number of each customer named and "
        "nothing else; a provision record per person. Declare E (invoices, receipts) or A "
        "(usage guides)."
    )
    async def produce_delivery_manifest(
        self,
        info: Info,
        carrier_id: strawberry.ID,
        delivery: DeliveryKind,
        customer_ids: list[strawberry.ID],
    ) -> DeliveryManifest:
        columns = delivery_columns(info.schema.personal_index)  # type: ignore[attr-defined]
        items = [column.name for column in columns]
        # Handing values to a carrier: only those the caller itself sees clear.
        require_visible(info, type_name="Customer", fields=items)
        carrier, ids = await _carrier(carrier_id), parse_customer_ids(customer_ids)
        rows = await visible_customers(caller_of(info)).filter(id__in=ids).order_by("id")
        if len(rows) != len(ids):
            raise not_found("customer")  # the same answer for missing and out of scope
        at = utc_now()
        manifest = await ManifestRow.create(
            carrier=carrier,
            delivery=delivery,
            produced_by=caller_of(info).login,
            produced_at=at,
            person_count=len(rows),
        )
        given = provided(
            info, recipient=carrier.name, provider_id=carrier.id, ground=Ground.DELIVERY,
            fields=items,
        )  # fmt: skip
        await given.give([row.id for row in rows], at, f"manifest:{manifest.id}")
        return DeliveryManifest(
            id=strawberry.ID(str(manifest.id)),
            carrier=carrier.name,
            delivery=delivery,
            person_count=len(rows),
            produced_at=at,
            csv=manifest_csv(columns, (Customer.from_model(row) for row in rows)),
        )
