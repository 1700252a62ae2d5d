"""Generalisation only ever coarsens what the policy shows research (P5.F): every step of
every hierarchy is a coarsening of the research mask, of the step before it, and passes the
mask unchanged (so the enforcement point keeps deciding, masking and auditing it)."""

from __future__ import annotations

import itertools

import pytest

from directives.masks import apply_mask
from directives.policy import mask_for
from directives.prefectures import REGION_OF
from directives.vocabulary import Category, Role
from resolvers.research.hierarchy import HIERARCHY, Quasi

PERSONAL = {
    Quasi.BIRTH_DATE: Category.BIRTH_DATE,
    Quasi.POSTAL_CODE: Category.POSTAL_CODE,
    Quasi.ADDRESS: Category.ADDRESS,
}
CLEAR = {
    Quasi.BIRTH_DATE: ["1941-02-03", "1984-04-12", "1989-12-31", "2006-07-01", "", "garbage"],
    Quasi.POSTAL_CODE: ["150-0043", "1500043", "001-0010", "999-9999", "", "15-0043"],
    Quasi.ADDRESS: [
        "東京都渋谷区道玄坂1-2-3",
        "北海道札幌市中央区北1条西2丁目",
        "沖縄県那覇市泉崎1-2-2",
        "京都府京都市中京区寺町通",
        "渋谷区道玄坂1-2-3",
        "",
    ],
}
FIGURES: dict[Quasi, list[object]] = {
    Quasi.PLAN: ["LIGHT", "STANDARD", "PREMIUM", "NONE"],
    Quasi.MONTHLY_FEE: [0, 3_300, 5_500, 6_050, 9_999, 10_000, 11_000, 25_300],
    Quasi.OPTION_COUNT: [0, 1, 2, 3, 6],
}


def _masked(quasi: Quasi, clear: str) -> str:
    return apply_mask(mask_for(Role.ANALYST, PERSONAL[quasi]), clear or "?") or ""


def _coarsens(finer: str, coarser: str) -> bool:
    """Same shape, each character kept or starred: shows nothing the finer value did not."""
    if len(finer) != len(coarser):
        return False
    return all(c in (f, "*") for f, c in zip(finer, coarser, strict=True))


@pytest.mark.parametrize("quasi", list(PERSONAL))
def test_every_step_passes_the_research_mask_unchanged(quasi: Quasi) -> None:
    strategy = mask_for(Role.ANALYST, PERSONAL[quasi])
    for clear, step in itertools.product(CLEAR[quasi], HIERARCHY[quasi]):
        value = step.apply(_masked(quasi, clear))
        assert isinstance(value, str)
        assert apply_mask(strategy, value) == value, (step.name, value)


@pytest.mark.parametrize("quasi", [Quasi.BIRTH_DATE, Quasi.POSTAL_CODE])
def test_digit_steps_only_star_what_the_mask_showed(quasi: Quasi) -> None:
    for clear in CLEAR[quasi]:
        values = [str(step.apply(_masked(quasi, clear))) for step in HIERARCHY[quasi]]
        for finer, coarser in itertools.pairwise(values):
            assert _coarsens(finer, coarser), (finer, coarser)
        assert set(values[-1]) <= {"*", "-"}  # the last step shows nothing


def test_address_steps_are_prefecture_region_nothing() -> None:
    for clear in CLEAR[Quasi.ADDRESS]:
        masked = _masked(Quasi.ADDRESS, clear)
        prefecture = masked.removesuffix(" ***")
        values = [step.apply(masked) for step in HIERARCHY[Quasi.ADDRESS]]
        region = REGION_OF.get(prefecture, "")
        assert values == [masked, f"{region} ***", " ***"]
        assert not any(ch.isdigit() for value in values for ch in str(value))


@pytest.mark.parametrize("quasi", list(FIGURES))
def test_figure_steps_widen_until_withheld(quasi: Quasi) -> None:
    for value in FIGURES[quasi]:
        shown = [step.apply(value) for step in HIERARCHY[quasi]]
        assert shown[-1] is None
        for finer, coarser in itertools.pairwise(shown[:-1]):
            assert isinstance(finer, tuple) and isinstance(coarser, tuple)
            assert coarser[0] <= finer[0]
            assert coarser[1] is None or (finer[1] is not None and coarser[1] >= finer[1])
        if isinstance(shown[0], tuple):
            assert shown[0] == (value, value)


@pytest.mark.parametrize("quasi", list(Quasi))
def test_each_step_is_a_function_of_the_step_before(quasi: Quasi) -> None:
    """Two values equal at one step stay equal at every coarser step: a hierarchy, not a
    re-partition (otherwise two steps together could single out more than either)."""
    samples = [_masked(quasi, c) for c in CLEAR[quasi]] if quasi in PERSONAL else FIGURES[quasi]
    steps = HIERARCHY[quasi]
    for finer, coarser in itertools.pairwise(steps):
        image: dict[object, object] = {}
        for sample in samples:
            assert image.setdefault(finer.apply(sample), coarser.apply(sample)) == coarser.apply(
                sample
            )


@pytest.mark.parametrize("quasi", list(Quasi))
def test_loss_grows_from_zero_as_masked_to_one_withheld(quasi: Quasi) -> None:
    losses = [step.loss for step in HIERARCHY[quasi]]
    assert losses[0] == 0 and losses[-1] == 1
    assert losses == sorted(set(losses))
