"""Full-domain generalisation (P5.F): every released row is shared by at least K identical
rows, at least MIN_COVERAGE of the population is released, and the scheme chosen is the least
lossy one that does so (checked against an exhaustive search)."""

from __future__ import annotations

import gc
import random
from collections import Counter

from resolvers.research.chunked import CHUNK, Chunked
from resolvers.research.release import (
    ALL_SCHEMES,
    MIN_COVERAGE,
    Choice,
    K,
    Row,
    SchemeCodes,
    choose,
    choose_counted,
    generalise,
    released,
)

_PLANS = ["LIGHT", "STANDARD", "STANDARD", "PREMIUM", "NONE"]
_AREAS = ["東京都 ***", "神奈川県 ***", "大阪府 ***", "北海道 ***", "沖縄県 ***", "鳥取県 ***"]


def _rows(count: int, seed: int) -> list[Row]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    return [
        (
            f"{rng.randint(1941, 2006)}-**-**",
            f"{rng.randrange(1000):03d}-****",
            rng.choice(_AREAS),
            rng.choice(_PLANS),
            rng.choice([0, 3_300, 5_500, 6_600, 11_000, 12_100, 16_500]),
            rng.choice([0, 0, 1, 1, 2, 3]),
        )
        for _ in range(count)
    ]


def _assert_k_anonymous(rows: list[Row], choice: Choice) -> None:
    keep = released(rows, choice.scheme)
    shown = Counter(generalise(r, choice.scheme) for r, k in zip(rows, keep, strict=True) if k)
    assert all(n >= K for n in shown.values())
    assert sum(shown.values()) == choice.released == sum(keep)


def test_generalises_rather_than_drops() -> None:
    rows = _rows(1_000, seed=1)
    as_masked = released(rows, ALL_SCHEMES[0])  # the masks alone: almost everyone is unique
    assert sum(as_masked) < 0.05 * len(rows)
    choice = choose(rows)
    assert choice.coverage >= MIN_COVERAGE
    _assert_k_anonymous(rows, choice)


def test_the_choice_is_the_least_lossy_scheme_that_covers_enough() -> None:
    for seed in (2, 3):
        rows = _rows(400, seed=seed)
        codes = SchemeCodes(rows)
        every = [Choice(s, codes.released(s), len(rows)) for s in ALL_SCHEMES]
        best = min((c for c in every if c.coverage >= MIN_COVERAGE), key=lambda c: c.loss)
        assert choose(rows).loss == best.loss


def test_fewer_than_k_customers_release_nothing() -> None:
    rows = _rows(K - 1, seed=4)
    assert choose(rows).released == 0
    assert not any(released(rows, choose(rows).scheme))


def test_identical_customers_are_released_as_masked() -> None:
    rows = _rows(1, seed=5) * K
    choice = choose(rows)
    assert choice.scheme == ALL_SCHEMES[0] and choice.loss == 0 and choice.coverage == 1


def test_counts_over_distinct_rows_and_rolled_up_groupings_match_every_row() -> None:
    """A census counts each distinct row once with its weight, and groups a scheme from a
    finer one already grouped: every scheme releases what grouping each row afresh releases."""
    rows = _rows(300, seed=6) + _rows(150, seed=6)  # every row of the second part twice
    counts = Counter(rows)
    codes = SchemeCodes(list(counts), list(counts.values()))
    for scheme in ALL_SCHEMES:
        assert codes.released(scheme) == sum(released(rows, scheme)), scheme.code
    assert choose_counted(list(counts), list(counts.values())) == choose(rows)


def test_the_scheme_counts_hold_nothing_the_cyclic_collector_walks() -> None:
    """Everything the scheme search keeps per row or per group (codes, joint counts, pair
    cells, groupings kept), as made and as patched for the next version, is a container whose
    entries the cyclic collector never walks (an untracked dict, an array), or a chunked
    array or layered counts, which it walks per chunk or per layer, never per row or group:
    each version makes new ones, and a tracked container of millions of entries costs the
    collector's next pass over young objects tens of milliseconds."""
    rows = _rows(400, seed=8)
    counts = Counter(rows)
    made = SchemeCodes(list(counts), list(counts.values()))
    choose_counted(list(counts), list(counts.values()))
    for scheme in ALL_SCHEMES[:60]:
        made.released(scheme)  # groupings made from the rows, and rolled up
    distinct = list(counts)
    patched = made.patched([*distinct, (*distinct[0][:5], 9)], {0: -1, len(distinct): 1})
    for codes in (made, patched):
        assert codes.groupings and codes.cells and codes.joints
        assert codes.weights is not None
        chunked = [*codes.values, codes.weights]
        assert all(isinstance(c, Chunked) for c in chunked)
        assert all(len(gc.get_referents(chunk)) <= 1 for c in chunked for chunk in c.chunks)
        assert all(len(c.chunks) <= len(c) // CHUNK + 1 for c in chunked)
        kept = [
            *(step for steps in codes.steps for step in steps),
            *codes.groupings.values(),
            *(
                counts  # a layered count: the counts shared, and each layer of changes
                for layered in (*codes.cells.values(), *codes.joints.values())
                for counts in (layered.base, *layered.layers)
            ),
        ]
        walked = [len(gc.get_referents(c)) for c in kept if gc.is_tracked(c)]
        assert len(kept) > 100 and max(walked, default=0) <= 1  # an array's type, at most


def test_a_value_not_seen_before_keeps_the_groupings() -> None:
    """A patched row with a new birth year and a new postal area: the groupings kept are
    carried over (their radix has room for a new code) rather than grouped again from every
    row, and each still counts what grouping afresh counts."""
    counts = Counter(_rows(400, seed=9))
    distinct = list(counts)
    made = SchemeCodes(distinct, list(counts.values()))
    choose_counted(distinct, list(counts.values()))
    for scheme in ALL_SCHEMES[:60]:
        made.released(scheme)
    new_row = ("1899-**-**", "999-****", *distinct[0][2:])
    rows = [*distinct, new_row]
    patched = made.patched(rows, {0: -1, len(distinct): 1})
    assert patched.groupings.keys() == made.groupings.keys()
    weights = [*counts.values(), 1]
    weights[0] -= 1
    fresh = SchemeCodes(rows, weights)
    assert patched.weights is not None and list(patched.weights) == weights
    assert patched.total == fresh.total == sum(weights)
    erased = made.patched(distinct, {1: -1})  # a customer gone: the total kept follows
    assert (
        erased.total
        == sum(counts.values()) - 1
        == SchemeCodes(distinct, [n - (i == 1) for i, n in enumerate(counts.values())]).total
    )
    for steps in list(patched.groupings):
        assert patched.released(steps) == fresh.released(steps)
        assert _nonzero(patched.grouped(steps)) == _nonzero(fresh.grouped(steps))


def _nonzero(sizes: dict[int, int]) -> dict[int, int]:
    return {group: n for group, n in sizes.items() if n}
