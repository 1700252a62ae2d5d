"""The research view (P5.F): pseudonymised rows and aggregates, never a clear value.

A row carries a keyed pseudonym instead of the customer's id, and only the fields the policy
lets research see (each tagged @personal for purpose F, so the enforcement point masks and
audits them exactly as anywhere else). Aggregates suppress groups smaller than `MIN_GROUP`.
"""

from __future__ import annotations

from enum import StrEnum

import strawberry

from directives.personal import personal
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category, Purpose
from schema.sales.contract import Plan

RESEARCH = frozenset({Purpose.F})
MIN_GROUP = 5  # k-anonymity threshold: smaller groups are suppressed


@strawberry.enum(description="What research aggregates group customers by.")
class ResearchDimension(StrEnum):
    PREFECTURE = "PREFECTURE"
    BIRTH_DECADE = "BIRTH_DECADE"
    PLAN = "PLAN"
    OPTION_COUNT = "OPTION_COUNT"


@strawberry.type(description="One customer for research: a pseudonym, never the id.")
class ResearchRecord:
    pseudonym: str = strawberry.field(description="Keyed hash of the id, stable per deployment.")
    plan: Plan | None
    monthly_fee: int | None = strawberry.field(description="Yen, contract plus options.")
    option_count: int
    birth_date: str | None = personal(Category.BIRTH_DATE, purposes=RESEARCH)
    postal_code: str | None = personal(Category.POSTAL_CODE, purposes=RESEARCH)
    address: str | None = personal(Category.ADDRESS, purposes=RESEARCH)
    row_id: strawberry.Private[int]

    def privacy_subject(self) -> Subject:
        return Subject(SubjectKind.CUSTOMER, self.row_id)


@strawberry.type(description="A group of customers; its count is null when suppressed.")
class ResearchGroup:
    key: str
    count: int | None = strawberry.field(description=f"Null below {MIN_GROUP} (suppressed).")
    suppressed: bool
