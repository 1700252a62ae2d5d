"""Research rows (P5.F): the population generalised by the chosen scheme, rows of groups
smaller than k left out, each under a pseudonym, ordered by pseudonym (never by id).

Made once per version of the population and pseudonym key (`snapshot`) and kept compact: the
sorted pseudonyms in one string, and per position the customer's id and the index of its
generalised values (a few thousand distinct rows); a page's records are built when asked."""

from __future__ import annotations

import itertools
import operator
from array import array
from dataclasses import dataclass

from resolvers.research.hierarchy import QUASI, Value
from resolvers.research.population import Census
from resolvers.research.positions import window
from resolvers.research.pseudonyms import pseudonymiser
from resolvers.research.release import Choice, K, choose_counted, generalise_all
from schema.page import PageInfo
from schema.research.view import (
    IntRange,
    ResearchGeneralisation,
    ResearchPlan,
    ResearchRecord,
    ResearchStep,
)

NAME = 20  # characters of a pseudonym


@dataclass(frozen=True, slots=True)
class Release:
    """Released rows in pseudonym order: position i is `names[i*NAME:(i+1)*NAME]`, customer
    `ids[i]`, generalised values `shown[values[i]]`."""

    choice: Choice
    names: str
    ids: array[int]
    values: array[int]
    shown: list[tuple[Value, ...]]

    def __len__(self) -> int:
        return len(self.ids)

    def records(self, start: int, stop: int) -> list[ResearchRecord]:
        return [
            _record(self.names[i * NAME : (i + 1) * NAME], self.ids[i], self.shown[self.values[i]])
            for i in range(start, min(stop, len(self)))
        ]

    def page(
        self, first: int | None, after: str | None, last: int | None, before: str | None
    ) -> tuple[list[ResearchRecord], PageInfo]:
        """A page forward or backward, as `positions.page_list` cuts one from a list."""
        span = window(first, after, last, before, len(self))
        rows = self.records(span.start, span.stop)
        return rows, span.page_info(len(rows), span.stop < len(self))


def research_rows(key: bytes, census: Census) -> Release:
    """Each distinct row generalised once: its group's size decides whether its customers are
    released (as `release.released` decides), and the same values are shown."""
    choice = choose_counted(census.rows, census.weights)
    generalised = generalise_all(census.rows, choice.scheme)
    sizes: dict[tuple[Value, ...], int] = {}
    for values, weight in zip(generalised, census.weights, strict=True):
        sizes[values] = sizes.get(values, 0) + weight
    shown = [values for values, size in sizes.items() if size >= K]
    index = {values: i for i, values in enumerate(shown)}
    of_row = [index.get(values, -1) for values in generalised]
    shown_as = list(map(of_row.__getitem__, census.row_of))
    ids = list(itertools.compress(census.ids, map(operator.ge, shown_as, itertools.repeat(0))))
    groups = [v for v in shown_as if v >= 0]
    names = list(map(pseudonymiser(key, choice.scheme.code), ids))
    order = sorted(range(len(ids)), key=names.__getitem__)  # stable: ties stay in id order
    return Release(
        choice,
        "".join(map(names.__getitem__, order)),
        array("q", map(ids.__getitem__, order)),
        array("i", map(groups.__getitem__, order)),
        shown,
    )


def _range(value: Value) -> IntRange | None:
    return IntRange(low=value[0], high=value[1]) if isinstance(value, tuple) else None


def _record(name: str, customer_id: int, values: tuple[Value, ...]) -> ResearchRecord:
    birth, postal, address, plan, fee, options = values
    return ResearchRecord(
        pseudonym=name,
        plan=ResearchPlan(plan) if isinstance(plan, str) else None,
        monthly_fee=_range(fee),
        option_count=_range(options),
        birth_date=str(birth),
        postal_code=str(postal),
        address=str(address),
        row_id=customer_id,
    )


def describe(choice: Choice) -> ResearchGeneralisation:
    scheme = choice.scheme
    steps = [ResearchStep(field=q.value, step=scheme.step_name(q)) for q in QUASI]
    return ResearchGeneralisation(k=K, scheme=scheme.code, steps=steps)
