"""Research rows (P5.F): the population generalised by the chosen scheme, rows of groups
smaller than k left out, each under a pseudonym, ordered by pseudonym (never by id)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from resolvers.research.hierarchy import QUASI, Value
from resolvers.research.population import Member
from resolvers.research.pseudonyms import pseudonym
from resolvers.research.release import Choice, K, choose, generalise
from schema.research.view import (
    IntRange,
    ResearchGeneralisation,
    ResearchPlan,
    ResearchRecord,
    ResearchStep,
)


def research_rows(key: bytes, members: Sequence[Member]) -> tuple[Choice, list[ResearchRecord]]:
    """Each member generalised once: its group's size decides whether it is released (as
    `release.released` decides), and the same values are shown."""
    choice = choose([m.row for m in members])
    scheme = choice.scheme
    values = [generalise(m.row, scheme) for m in members]
    sizes = Counter(values)
    rows = [
        _record(pseudonym(key, m.customer_id, scheme.code), m, shown)
        for m, shown in zip(members, values, strict=True)
        if sizes[shown] >= K
    ]
    rows.sort(key=lambda r: r.pseudonym)
    return choice, rows


def _range(value: Value) -> IntRange | None:
    return IntRange(low=value[0], high=value[1]) if isinstance(value, tuple) else None


def _record(name: str, member: Member, values: tuple[Value, ...]) -> ResearchRecord:
    birth, postal, address, plan, fee, options = values
    return ResearchRecord(
        pseudonym=name,
        plan=ResearchPlan(plan) if isinstance(plan, str) else None,
        monthly_fee=_range(fee),
        option_count=_range(options),
        birth_date=str(birth),
        postal_code=str(postal),
        address=str(address),
        row_id=member.customer_id,
    )


def describe(choice: Choice) -> ResearchGeneralisation:
    scheme = choice.scheme
    steps = [ResearchStep(field=q.value, step=scheme.step_name(q)) for q in QUASI]
    return ResearchGeneralisation(k=K, scheme=scheme.code, steps=steps)
