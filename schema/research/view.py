"""The research view (P5.F): k-anonymous generalised rows and differentially private counts.

A row carries a keyed pseudonym instead of the customer's id, and only generalised values: the
personal ones (each tagged @personal for purpose F, so the enforcement point decides, masks and
audits them exactly as anywhere else; generalisation only ever makes the policy's mask
coarser) and the contract's figures as ranges. Aggregates are noisy counts charged to the
analyst's privacy budget.
"""

from __future__ import annotations

from enum import StrEnum

import strawberry

from directives.personal import personal
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category, Purpose

RESEARCH = frozenset({Purpose.F})
MIN_GROUP = 5  # k: every released row is identical to at least 4 others


@strawberry.enum(description="What research aggregates group customers by.")
class ResearchDimension(StrEnum):
    PREFECTURE = "PREFECTURE"
    BIRTH_DECADE = "BIRTH_DECADE"
    PLAN = "PLAN"
    OPTION_COUNT = "OPTION_COUNT"


@strawberry.enum(description="A research row's plan; NONE: no active contract.")
class ResearchPlan(StrEnum):
    LIGHT = "LIGHT"
    STANDARD = "STANDARD"
    PREMIUM = "PREMIUM"
    NONE = "NONE"


@strawberry.type(description="Whole numbers from low to high inclusive; high null: no bound.")
class IntRange:
    low: int
    high: int | None


@strawberry.type(description="One customer for research: a pseudonym, never the id.")
class ResearchRecord:
    pseudonym: str = strawberry.field(
        description="Keyed hash of the id and the generalisation, stable while it stands."
    )
    plan: ResearchPlan | None = strawberry.field(description="Null: withheld.")
    monthly_fee: IntRange | None = strawberry.field(
        description="Yen, contract plus options (0 without a contract). Null: withheld."
    )
    option_count: IntRange | None = strawberry.field(description="Null: withheld.")
    birth_date: str | None = personal(
        Category.BIRTH_DATE, purposes=RESEARCH, description="Year, decade or century, or none."
    )
    postal_code: str | None = personal(
        Category.POSTAL_CODE, purposes=RESEARCH, description="Three to no leading digits."
    )
    address: str | None = personal(
        Category.ADDRESS, purposes=RESEARCH, description="Prefecture, region, or none."
    )
    row_id: strawberry.Private[int]

    def privacy_subject(self) -> Subject:
        return Subject(SubjectKind.CUSTOMER, self.row_id)


@strawberry.type(description="One quasi-identifier of research rows and how it is generalised.")
class ResearchStep:
    field: str = strawberry.field(description="A field of ResearchRecord.")
    step: str = strawberry.field(
        description="birthDate: YEAR, DECADE, CENTURY, WITHHELD; postalCode: DIGITS_3, DIGITS_2, "
        "DIGITS_1, WITHHELD; address: PREFECTURE, REGION, WITHHELD; plan: PLAN, WITHHELD; "
        "monthlyFee: YEN, BAND_1000, BAND_5000, WITHHELD; optionCount: COUNT, NONE_FEW_MANY, "
        "WITHHELD."
    )


@strawberry.type(
    description="How research rows are generalised now: one step of each quasi-identifier's "
    "hierarchy, the same for every row, chosen for the whole population."
)
class ResearchGeneralisation:
    k: int = strawberry.field(description="Each row is identical to at least k - 1 others.")
    scheme: str = strawberry.field(description="The steps, joined; keys the pseudonyms.")
    steps: list[ResearchStep]


@strawberry.type(description="A group of customers and its noisy count.")
class ResearchGroup:
    key: str
    count: int = strawberry.field(
        description="The true count plus discrete Laplace noise: unbiased, may be negative."
    )


@strawberry.type(description="An analyst's differential-privacy budget (epsilon).")
class ResearchBudget:
    total: float
    spent: float
    remaining: float
    answers: int = strawberry.field(description="Noisy answers released so far.")


@strawberry.type(description="Noisy counts by one dimension, charged to the caller's budget.")
class ResearchAggregate:
    dimension: ResearchDimension
    groups: list[ResearchGroup] = strawberry.field(
        description="Every key of the dimension, in a fixed order, whatever the data; OTHER last."
    )
    epsilon: float = strawberry.field(description="What this answer cost.")
    noise_scale: float = strawberry.field(description="Of the discrete Laplace noise per count.")
    budget: ResearchBudget = strawberry.field(description="After this answer.")
