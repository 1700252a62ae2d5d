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
import operator
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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


class _Codes:
    """Each quasi-identifier at each step as small integers, so grouping is cheap; and, per
    pair of quasi-identifiers, how many rows groups of K would keep on that pair alone: an
    upper bound for any scheme with those two steps (grouping by more columns only splits
    groups further), which rules most schemes out before they are grouped in full.

    `rows` may be distinct rows, each standing for `weights` identical ones (a census): every
    count is then weighted, and the answers are those the expanded rows would give. A pair's
    counts come from the pair's joint counts of distinct values (a few thousand cells, however
    many customers), each step's codes from the column's distinct values."""

    def __init__(self, rows: Sequence[Row], weights: Sequence[int] | None = None) -> None:
        self.weights = None if weights is None else list(weights)  # None: one row each
        self.steps: list[list[list[int]]] = []  # [quasi][step][value code] -> step code
        self.values: list[list[int]] = []  # [quasi][row] -> value code
        for position, quasi in enumerate(QUASI):
            codes, values = _encode(_same, [row[position] for row in rows])
            self.values.append(codes)
            self.steps.append([_encode(step.apply, values)[0] for step in HIERARCHY[quasi]])
        self.columns: dict[tuple[int, int], list[int]] = {}
        self.pairs = {
            (a, sa, b, sb): kept
            for a, b in itertools.combinations(range(len(QUASI)), 2)
            for (sa, sb), kept in self._pair(a, b).items()
        }

    def _pair(self, a: int, b: int) -> dict[tuple[int, int], int]:
        """Rows kept by groups of K on columns a and b alone, at each of their steps: from
        the joint counts of their values (small, however many rows)."""
        width = len(self.steps[b][0])
        joint = self._sizes(_packed([self.values[a], self.values[b]], [width]))
        cells = [(*divmod(key, width), n) for key, n in joint.items()]
        kept = {}
        for sa, codes_a in enumerate(self.steps[a]):
            for sb, codes_b in enumerate(self.steps[b]):
                across = max(codes_b) + 1 if codes_b else 1
                sizes: dict[int, int] = {}
                for va, vb, n in cells:
                    key = codes_a[va] * across + codes_b[vb]
                    sizes[key] = sizes.get(key, 0) + n
                kept[(sa, sb)] = sum(n for n in sizes.values() if n >= K)
        return kept

    def column(self, quasi: int, step: int) -> list[int]:
        """The rows' codes of one quasi-identifier at one step."""
        if (quasi, step) not in self.columns:
            codes = self.steps[quasi][step]
            self.columns[(quasi, step)] = [codes[v] for v in self.values[quasi]]
        return self.columns[(quasi, step)]

    def bound(self, scheme: Scheme) -> int:
        steps = scheme.steps
        return min(
            self.pairs[(a, steps[a], b, steps[b])]
            for a, b in itertools.combinations(range(len(steps)), 2)
        )

    def released(self, scheme: Scheme) -> int:
        columns = [self.column(q, s) for q, s in enumerate(scheme.steps)]
        widths = [max(self.steps[q][s], default=0) + 1 for q, s in enumerate(scheme.steps)]
        sizes = self._sizes(_packed(columns, widths[1:]))
        return sum(n for n in sizes.values() if n >= K)

    def _sizes(self, keys: list[int]) -> dict[int, int]:
        """Rows (total weight) per key."""
        if self.weights is None:
            return Counter(keys)
        sizes: dict[int, int] = {}
        get = sizes.get
        for key, weight in zip(keys, self.weights, strict=True):
            sizes[key] = get(key, 0) + weight
        return sizes


def _packed(columns: list[list[int]], widths: list[int]) -> list[int]:
    """Each row's codes as one integer (mixed radix: column i + 1 has `widths[i]` codes)."""
    keys = columns[0]
    for column, width in zip(columns[1:], widths, strict=True):
        keys = list(map(operator.add, map(operator.mul, keys, itertools.repeat(width)), column))
    return keys


def _same(value: object) -> Value:
    return value  # type: ignore[return-value]  # a row's values: hashable, compared as they are


def _encode(
    apply: Callable[[object], Value], values: list[object]
) -> tuple[list[int], list[object]]:
    """Each value's code (the order of first appearance) under `apply`, and the distinct
    values, by code."""
    codes: dict[object, int] = {}
    encoded = [codes.setdefault(apply(v), len(codes)) for v in values]
    return encoded, list(codes)


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
    codes, population = _Codes(rows, weights), sum(weights)
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
