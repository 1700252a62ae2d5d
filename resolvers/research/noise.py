"""Differentially private counts (P5.F) with OpenDP: a histogram over a fixed list of keys,
each count plus discrete Laplace noise (OpenDP's integer Laplace, sampled exactly with a
cryptographic source; no floating-point attack).

Neighbouring data sets differ in one customer's record: changed, added or removed. A change
is a removal plus an addition (symmetric distance 2), so one answer costs
epsilon = 2 / scale, as OpenDP's own privacy map says; that is what the budget is charged.
The keys never depend on the data, so a key's presence reveals nothing; keys outside the list
are counted under `OTHER`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import opendp.prelude as dp

# OpenDP keeps components whose proofs are written but not yet vetted behind "contrib";
# count_by_categories and the discrete Laplace are among them (see README, research).
dp.enable_features("contrib")

NEIGHBOURS = 2  # one customer's record changed: one removal and one addition
OTHER = "OTHER"


@dataclass(frozen=True, slots=True)
class Histogram:
    """A noisy answer ready to release, with what it costs."""

    measurement: Any  # opendp Measurement: list[str] -> list[int]; `count >> noise`
    count: Any  # opendp Transformation: list[str] -> the true count per key
    noise: Any  # opendp Measurement: true counts -> noisy counts
    keys: tuple[str, ...]  # the categories, then OTHER
    epsilon: float  # OpenDP's privacy map at NEIGHBOURS
    scale: float


def histogram(categories: Sequence[str], epsilon: float) -> Histogram:
    """A discrete-Laplace histogram over `categories` costing `epsilon` per answer."""
    space = dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance()
    scale = NEIGHBOURS / epsilon
    count = space >> dp.t.then_count_by_categories(categories=list(categories), null_category=True)
    noise = dp.m.make_laplace(count.output_domain, count.output_metric, scale=scale)
    measurement = count >> noise
    spent = float(measurement.map(NEIGHBOURS))
    return Histogram(measurement, count, noise, (*categories, OTHER), spent, scale)


def release(plan: Histogram, values: Sequence[str]) -> list[tuple[str, int]]:
    """One noisy count per key, in the plan's order. Call only once the budget is charged."""
    counts = plan.measurement(list(values))
    return list(zip(plan.keys, (int(c) for c in counts), strict=True))


def true_counts(plan: Histogram, tally: Mapping[str, int]) -> list[int]:
    """What `plan.count` makes of values counted as `tally` (value -> how many): each key's
    count in order, then every other value's under OTHER."""
    keys = plan.keys[:-1]
    listed = set(keys)
    return [tally.get(k, 0) for k in keys] + [sum(n for k, n in tally.items() if k not in listed)]


def release_tally(plan: Histogram, tally: Mapping[str, int]) -> list[tuple[str, int]]:
    """`release` of values already counted (a census counts each distinct value once): the
    same mechanism, since `plan.measurement` is `plan.count >> plan.noise`."""
    noisy = plan.noise(true_counts(plan, tally))
    return list(zip(plan.keys, (int(c) for c in noisy), strict=True))
