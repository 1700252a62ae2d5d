"""An exceptional disclosure (P8.3): ids and field names, never values; the file is given
once, to the approver, when approved."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import Disclosure as DisclosureRow
from models.third_parties import DisclosureStatus, RefusalReason
from schema.third_parties.provision import Ground

strawberry.enum(DisclosureStatus, description="REQUESTED, then APPROVED or REFUSED.")
strawberry.enum(RefusalReason, description="Why an exceptional disclosure was refused.")


@strawberry.input(description="A request for an exceptional disclosure (P8.3).")
class DisclosureRequest:
    ground: Ground
    requesting_party: str = strawberry.field(description="The authority or company asking.")
    party_reference: str = strawberry.field(description="Its case or letter number.")
    customer_ids: list[strawberry.ID]
    fields: list[str] = strawberry.field(description="Customer field names asked for.")
    consent_sought: bool = strawberry.field(description="Whether the persons were asked.")


@strawberry.type(description="An exceptional disclosure (P8.3) and its decision.")
class Disclosure:
    id: strawberry.ID
    ground: Ground
    requesting_party: str
    party_reference: str
    customer_ids: list[strawberry.ID]
    fields: list[str]
    consent_sought: bool
    requested_by: str
    requested_at: datetime
    status: DisclosureStatus
    decided_by: str | None
    decided_at: datetime | None
    refusal_reason: RefusalReason | None
    file: str | None = strawberry.field(
        default=None,
        description="The disclosure file (CSV), only in the answer that approves it; not kept.",
    )

    @classmethod
    def from_model(cls, row: DisclosureRow, file: str | None = None) -> Disclosure:
        return cls(
            id=strawberry.ID(str(row.id)),
            ground=row.ground,
            requesting_party=row.requesting_party,
            party_reference=row.party_reference,
            customer_ids=[strawberry.ID(str(i)) for i in row.customer_ids],
            fields=list(row.field_names),
            consent_sought=row.consent_sought,
            requested_by=row.requested_by,
            requested_at=row.requested_at,
            status=row.status,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            refusal_reason=row.refusal_reason,
            file=file,
        )
