"""The analyst's view (P5.F): k-anonymous generalised rows and differentially private counts.
Who may call these, under which purpose: `directives.operations`."""

from __future__ import annotations

import strawberry

from directives.usage import Use
from directives.vocabulary import Decision
from resolvers.query_by import require_query_by
from resolvers.research import budget, noise
from resolvers.research.aggregate import KEYS, tally
from resolvers.research.pseudonyms import deployment_key
from resolvers.research.rows import describe
from resolvers.research.snapshot import current_census, current_release
from schema.context import Info, caller_of
from schema.research.connections import ResearchRecordConnection
from schema.research.view import (
    MIN_GROUP,
    ResearchAggregate,
    ResearchBudget,
    ResearchDimension,
    ResearchGroup,
)

# Dimensions derived from a personal field: allowed only where research sees it masked.
_DERIVED_FROM = {
    ResearchDimension.PREFECTURE: "address",
    ResearchDimension.BIRTH_DECADE: "birthDate",
}


async def _key(info: Info) -> bytes:
    return info.context.pseudonym_key or await deployment_key()


def _total(info: Info) -> float:
    return info.context.epsilon_budget or budget.DEFAULT_TOTAL


def _budget(balance: budget.Balance) -> ResearchBudget:
    return ResearchBudget(
        total=balance.total,
        spent=round(balance.spent, 6),
        remaining=round(balance.remaining, 6),
        answers=balance.answers,
    )


@strawberry.type
class ResearchQuery:
    @strawberry.field(
        description="Customers for research, ordered by pseudonym (never by id), generalised "
        f"so that each row is identical to at least {MIN_GROUP - 1} others (k = {MIN_GROUP}) "
        "and at least 90 % of customers appear; rows of rarer combinations are left out. "
        "Declare purpose F.",
    )
    async def research_records(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> ResearchRecordConnection:
        release = await current_release(await _key(info))
        chosen, page = release.page(first, after, last, before)
        return ResearchRecordConnection(
            nodes=chosen, page_info=page, generalisation=describe(release.choice)
        )

    @strawberry.field(
        description="Customers counted by one dimension, each count with discrete Laplace "
        "noise; costs `epsilon` of the caller's privacy budget, refused with "
        "PRIVACY_BUDGET_EXHAUSTED once spent. Declare purpose F.",
    )
    async def research_aggregate(
        self,
        info: Info,
        dimension: ResearchDimension,
        epsilon: float = budget.DEFAULT_EPSILON,
    ) -> ResearchAggregate:
        use = None
        if dimension in _DERIVED_FROM:
            field = _DERIVED_FROM[dimension]
            use = require_query_by(
                info, type_name="Customer", fields={field: Use.GROUP}, needs=Decision.MASKED
            )
        budget.check_epsilon(epsilon)
        plan = noise.histogram(KEYS[dimension], epsilon)
        after = await budget.charge(caller_of(info).account_id, plan.epsilon, _total(info))
        counted = await current_census()
        if use is not None:
            use.aggregate(len(counted))
        counts = noise.release_tally(plan, tally(counted, dimension))
        return ResearchAggregate(
            dimension=dimension,
            groups=[ResearchGroup(key=key, count=count) for key, count in counts],
            epsilon=plan.epsilon,
            noise_scale=plan.scale,
            budget=_budget(after),
        )

    @strawberry.field(description="The caller's privacy budget for research aggregates.")
    async def research_budget(self, info: Info) -> ResearchBudget:
        return _budget(await budget.balance(caller_of(info).account_id, _total(info)))
