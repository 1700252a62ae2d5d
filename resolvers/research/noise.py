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

from collections.abc import Sequence
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

    measurement: Any  # opendp Measurement: list[str] -> list[int]
    keys: tuple[str, ...]  # the categories, then OTHER
    epsilon: float  # OpenDP's privacy map at NEIGHBOURS
    scale: float


def histogram(categories: Sequence[str], epsilon: float) -> Histogram:
    """A discrete-Laplace histogram over `categories` costing `epsilon` per answer."""
    space = dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance()
    scale = NEIGHBOURS / epsilon
    measurement = (
        space
        >> dp.t.then_count_by_categories(categories=list(categories), null_category=True)
        >> dp.m.then_laplace(scale=scale)
    )
    spent = float(measurement.map(NEIGHBOURS))
    return Histogram(measurement, (*categories, OTHER), spent, scale)


def release(plan: Histogram, values: Sequence[str]) -> list[tuple[str, int]]:
    """One noisy count per key, in the plan's order. Call only once the budget is charged."""
    counts = plan.measurement(list(values))
    return list(zip(plan.keys, (int(c) for c in counts), strict=True))
