"""A delivery manifest (P8.2): the file a carrier receives and what is kept of it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models.third_parties import DeliveryKind

strawberry.enum(DeliveryKind, description="What a carrier delivers (P8.2).")


@strawberry.type(description="A delivery manifest handed to one carrier (P8.2).")
class DeliveryManifest:
    id: strawberry.ID
    carrier: str = strawberry.field(description="The delivery company's name.")
    delivery: DeliveryKind
    person_count: int
    produced_at: datetime
    csv: str = strawberry.field(
        description="The file the carrier receives: one line per person, the personal fields "
        "of the categories P8.2 allows (name, address, telephone number) and nothing else. "
        "Produced once; not kept. Each person has a provision record."
    )
