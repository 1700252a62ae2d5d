"""Providers outside the operator and their NDAs (P4.2): business data about companies."""

from __future__ import annotations

from datetime import date

import strawberry

from directives.vocabulary import Category
from models import Nda as NdaRow
from models import Provider as ProviderRow
from models.third_parties import NdaStatus, ProviderKind

strawberry.enum(ProviderKind, description="An option provider (P8.1) or a carrier (P8.2).")
strawberry.enum(NdaStatus, description="ACTIVE within its dates, or ENDED early.")


@strawberry.type(description="A non-disclosure agreement with a provider (P4.2).")
class Nda:
    reference: str
    categories: list[Category] = strawberry.field(
        description="The categories of personal data the provider may receive."
    )
    option_codes: list[str] = strawberry.field(description="The option services it covers.")
    valid_from: date
    valid_until: date
    status: NdaStatus
    in_force: bool = strawberry.field(description="Active and within its dates today.")

    @classmethod
    def from_model(cls, row: NdaRow, option_codes: list[str], today: date) -> Nda:
        return cls(
            reference=row.reference,
            categories=[Category(c) for c in row.categories if c in Category.__members__],
            option_codes=option_codes,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            status=row.status,
            in_force=row.status is NdaStatus.ACTIVE and row.valid_from <= today <= row.valid_until,
        )


@strawberry.type(description="A company outside the operator that may receive personal data.")
class Provider:
    id: strawberry.ID
    name: str
    kind: ProviderKind
    ndas: list[Nda]

    @classmethod
    def from_model(cls, row: ProviderRow, ndas: list[Nda]) -> Provider:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, kind=row.kind, ndas=ndas)
