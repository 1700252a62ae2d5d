"""What research aggregates count (P5.F): per dimension, a fixed list of keys that never
depends on the data, and the key of each customer. Noise and budget: `noise`, `budget`."""

from __future__ import annotations

from collections.abc import Callable

from directives.prefectures import PREFECTURES
from models.contracts import Plan
from resolvers.research.population import NO_PLAN, Census, Member, Patch
from schema.research.view import ResearchDimension

_DECADES = tuple(f"{year}s" for year in range(1900, 2030, 10))
_MAX_OPTIONS = 6  # more are counted under OTHER


def _decade(member: Member) -> str:
    year = member.birth_year
    return f"{year // 10 * 10}s" if year is not None else ""


def _prefecture(member: Member) -> str:
    return member.prefecture or ""


def _plan(member: Member) -> str:
    return member.plan


def _options(member: Member) -> str:
    return str(member.option_count)


# Keys per dimension; anything else (an unknown prefecture or birth year) counts as OTHER.
KEYS: dict[ResearchDimension, tuple[str, ...]] = {
    ResearchDimension.PREFECTURE: PREFECTURES,
    ResearchDimension.BIRTH_DECADE: _DECADES,
    ResearchDimension.PLAN: (*(p.value for p in Plan), NO_PLAN),
    ResearchDimension.OPTION_COUNT: tuple(str(n) for n in range(_MAX_OPTIONS + 1)),
}
KEY_OF: dict[ResearchDimension, Callable[[Member], str]] = {
    ResearchDimension.PREFECTURE: _prefecture,
    ResearchDimension.BIRTH_DECADE: _decade,
    ResearchDimension.PLAN: _plan,
    ResearchDimension.OPTION_COUNT: _options,
}


def tally(census: Census, dimension: ResearchDimension) -> dict[str, int]:
    """How many customers have each key of `dimension` (each distinct row's key found once),
    kept with the census: it is the same for every answer until the population changes."""
    counted = census.tallies.get(dimension)
    if counted is None:
        key_of, counted = KEY_OF[dimension], {}
        for row, weight in zip(census.rows, census.weights, strict=True):
            key = key_of(Member(0, row))  # the id plays no part in a key
            counted[key] = counted.get(key, 0) + weight
        census.tallies[dimension] = counted
    return counted


def carried(before: Census, patch: Patch) -> None:
    """The tallies `before` has made, carried to the census patched from it: each customer that
    changed taken from its old row's key and added to its new one's."""
    for dimension, counted in list(before.tallies.items()):
        assert isinstance(dimension, ResearchDimension)
        key_of, counted = KEY_OF[dimension], dict(counted)
        for row, step in [*((r, -1) for r in patch.left), *((r, 1) for r in patch.joined)]:
            key = key_of(Member(0, row))
            counted[key] = counted.get(key, 0) + step
        patch.census.tallies[dimension] = counted
