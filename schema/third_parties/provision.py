"""A record of provision to a third party (APPI art. 29): field names, never values."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from models import ProvisionRecord as ProvisionRow
from models.third_parties import Ground

__all__ = ["Ground", "ProvisionRecord"]

strawberry.enum(Ground, description="Why personal data left the operator (P8.1, P8.2, P8.3).")


@strawberry.type(description="One provision of one person's data to one recipient (APPI art. 29).")
class ProvisionRecord:
    id: strawberry.ID
    at: datetime
    recipient: str = strawberry.field(description="A company or an authority.")
    customer_id: strawberry.ID = strawberry.field(description="The person provided about.")
    items: list[str] = strawberry.field(description="Field names provided (never values).")
    ground: Ground
    source: str = strawberry.field(description="request:<id>, manifest:<id>, disclosure:<id>.")
    keep_until: date = strawberry.field(description="Kept at least until then (3 years).")

    @classmethod
    def from_model(cls, row: ProvisionRow) -> ProvisionRecord:
        return cls(
            id=strawberry.ID(str(row.id)),
            at=row.at,
            recipient=row.recipient,
            customer_id=strawberry.ID(str(row.customer_id)),
            items=row.items.split(",") if row.items else [],
            ground=row.ground,
            source=row.source,
            keep_until=row.keep_until,
        )
