"""The retention schedule and legal holds (P7.4): about data kinds and ids, never values."""

from __future__ import annotations

from datetime import datetime

import strawberry

from directives.personal import personal
from directives.retention import Retention
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category
from models import LegalHold as HoldRow


@strawberry.type(description="One row of the retention schedule (P7.4).")
class RetentionRule:
    rule: str
    data: str
    clock: str = strawberry.field(description="When the period starts.")
    years: int = strawberry.field(description="Kept this many years after the clock starts.")
    action: str = strawberry.field(description="ANONYMISE, DELETE or KEEP.")
    legal_basis: str

    @classmethod
    def from_row(cls, row: Retention) -> RetentionRule:
        return cls(
            rule=row.rule.value,
            data=row.data,
            clock=row.clock,
            years=row.years,
            action=row.action.value,
            legal_basis=row.legal_basis,
        )


@strawberry.type(description="A legal hold: the purge leaves the customer's data alone.")
class LegalHold:
    id: strawberry.ID
    customer_id: strawberry.ID
    reason: str | None = personal(Category.FREE_TEXT, description="Typed by staff.")
    placed_by: str
    placed_at: datetime
    released_at: datetime | None
    row_customer: strawberry.Private[int]

    def privacy_subject(self) -> Subject:
        """About the customer held (its consent unknown here: withdrawn, fail closed)."""
        return Subject(SubjectKind.CUSTOMER, self.row_customer)

    @classmethod
    def from_model(cls, row: HoldRow) -> LegalHold:
        return cls(
            id=strawberry.ID(str(row.id)),
            customer_id=strawberry.ID(str(row.customer_id)),
            reason=row.reason,
            placed_by=row.placed_by,
            placed_at=row.placed_at,
            released_at=row.released_at,
            row_customer=row.customer_id,
        )
