"""Option services (P5.B): the catalogue and a contract's subscriptions. No personal data."""

from __future__ import annotations

from datetime import date

import strawberry

from models import OptionService as OptionServiceRow
from models import OptionSubscription as OptionSubscriptionRow
from schema.context import Context


@strawberry.type(description="An option service; `provider` names an outside provider (P4.2).")
class OptionService:
    id: strawberry.ID
    code: str
    title: str = strawberry.field(description="Name of the option service.")
    monthly_fee: int = strawberry.field(description="Yen per month.")
    provider: str | None = strawberry.field(description="Null when run by the operator.")

    @classmethod
    def from_model(cls, row: OptionServiceRow) -> OptionService:
        return cls(
            id=strawberry.ID(str(row.id)),
            code=row.code,
            title=row.name,
            monthly_fee=row.monthly_fee,
            provider=row.provider or None,
        )


@strawberry.type(description="One option service subscribed on a contract.")
class OptionSubscription:
    id: strawberry.ID
    started_on: date
    cancelled_on: date | None
    option_id: strawberry.Private[int]

    @strawberry.field
    async def option(self, info: strawberry.Info[Context, None]) -> OptionService | None:
        row = await info.context.loaders.option.load(self.option_id)
        return OptionService.from_model(row) if row is not None else None

    @classmethod
    def from_model(cls, row: OptionSubscriptionRow) -> OptionSubscription:
        return cls(
            id=strawberry.ID(str(row.id)),
            started_on=row.started_on,
            cancelled_on=row.cancelled_on,
            option_id=row.option_id,
        )
