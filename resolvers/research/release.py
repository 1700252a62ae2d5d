"""k-anonymous research rows by full-domain generalisation (P5.F).

Every customer's row is generalised with one scheme (a step of each quasi-identifier's ladder,
the same for everyone), chosen for this population: the scheme that loses least while at least
`MIN_COVERAGE` of customers fall in groups of `K` or more identical rows; rows of smaller groups
are left out. The lattice of schemes (1,152) is searched by increasing loss; a scheme is
grouped in full only if no pair of its steps already keeps too few rows (Incognito's subset
property), so the optimum is found after a few dozen groupings.

One scheme for everyone, rather than a partition per group (Mondrian): the same customer
always shows the same generalised values while the scheme stands, so joining two answers by
pseudonym reveals nothing finer; and pseudonyms are keyed by the scheme, so answers under two
schemes cannot be joined at all.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from resolvers.research.counts import Codes, Steps
from resolvers.research.hierarchy import HIERARCHY, QUASI, Quasi, Value
from schema.research.view import MIN_GROUP

K = MIN_GROUP  # every released row is identical to at least K - 1 others in all six
MIN_COVERAGE = 0.9  # at least this share of customers must be released

Row = tuple[object, ...]  # the six quasi-identifiers as research sees them (masked), in QUASI order


@dataclass(frozen=True, slots=True, order=True)
class Scheme:
    """One step per quasi-identifier, in QUASI order."""

    steps: tuple[int, ...]

    @property
    def code(self) -> str:
        return ".".join(HIERARCHY[q][s].name for q, s in zip(QUASI, self.steps, strict=True))

    def step_name(self, quasi: Quasi) -> str:
        return HIERARCHY[quasi][self.steps[QUASI.index(quasi)]].name

    @property
    def loss(self) -> float:
        """Mean certainty penalty of a released row (suppressed rows count 1 elsewhere)."""
        losses = (HIERARCHY[q][s].loss for q, s in zip(QUASI, self.steps, strict=True))
        return sum(losses) / len(QUASI)

    def finer_or_equal(self, other: Scheme) -> bool:
        return all(a <= b for a, b in zip(self.steps, other.steps, strict=True))


@dataclass(frozen=True, slots=True)
class Choice:
    scheme: Scheme
    released: int  # rows in groups of at least K
    population: int

    @property
    def coverage(self) -> float:
        return self.released / self.population if self.population else 0.0

    @property
    def loss(self) -> float:
        """Mean loss per customer, a left-out row counting as fully withheld (1)."""
        if not self.population:
            return 0.0
        withheld = self.population - self.released
        return (self.released * self.scheme.loss + withheld) / self.population


class SchemeCodes(Codes):
    """`counts.Codes` asked by scheme."""

    def __init__(self, rows: Sequence[Row], weights: Sequence[int] | None = None) -> None:
        super().__init__(rows, weights)

    def bound(self, scheme: Scheme | Steps) -> int:
        return super().bound(_steps(scheme))

    def released(self, scheme: Scheme | Steps) -> int:
        return super().released(_steps(scheme))


def _steps(scheme: Scheme | Steps) -> Steps:
    return scheme.steps if isinstance(scheme, Scheme) else scheme


ALL_SCHEMES: tuple[Scheme, ...] = tuple(
    sorted(
        (Scheme(steps) for steps in itertools.product(*(range(len(HIERARCHY[q])) for q in QUASI))),
        key=lambda s: (s.loss, s.steps),
    )
)


def choose(rows: Sequence[Row]) -> Choice:
    """The least lossy scheme releasing at least MIN_COVERAGE of `rows` in groups of K."""
    counts = Counter(rows)
    return choose_counted(list(counts), list(counts.values()))


def choose_counted(rows: Sequence[Row], weights: Sequence[int]) -> Choice:
    """`choose` for distinct `rows`, each standing for `weights` identical rows (a census):
    computed once per version of the population (`snapshot`), not per request."""
    return choose_coded(SchemeCodes(rows, weights))


def choose_coded(codes: SchemeCodes) -> Choice:
    """`choose_counted` of the rows `codes` were made of (or patched to: `Codes.patched`)."""
    population = codes.total
    needed = MIN_COVERAGE * population
    best = Choice(ALL_SCHEMES[-1], codes.released(ALL_SCHEMES[-1]), population)
    for scheme in ALL_SCHEMES:
        if scheme.loss >= best.loss:
            break  # every remaining scheme loses at least this much on released rows alone
        bound = codes.bound(scheme)
        if bound < needed or Choice(scheme, bound, population).loss >= best.loss:
            continue
        choice = Choice(scheme, codes.released(scheme), population)
        if choice.released >= needed and choice.loss < best.loss:
            best = choice
    return best


def generalise(row: Row, scheme: Scheme) -> tuple[Value, ...]:
    return tuple(HIERARCHY[q][s].apply(v) for q, s, v in zip(QUASI, scheme.steps, row, strict=True))


def generalise_all(rows: Sequence[Row], scheme: Scheme) -> list[tuple[Value, ...]]:
    """`generalise` of each row, each step applied once per distinct value of its column."""
    columns = []
    for position, (quasi, step) in enumerate(zip(QUASI, scheme.steps, strict=True)):
        apply, seen = HIERARCHY[quasi][step].apply, dict[object, Value]()
        column = [row[position] for row in rows]
        for value in set(column):
            seen[value] = apply(value)
        columns.append([seen[value] for value in column])
    return list(zip(*columns, strict=True))


def released(rows: Sequence[Row], scheme: Scheme) -> list[bool]:
    """Whether each row's generalised values are shared by at least K rows."""
    keys = [generalise(row, scheme) for row in rows]
    sizes = Counter(keys)
    return [sizes[key] >= K for key in keys]
