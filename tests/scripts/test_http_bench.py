"""The HTTP benchmark's verdict (scripts/http_bench.py): the paired ratio's interval decides,
so a run whose rounds scatter across the target says so instead of picking a side."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _script() -> ModuleType:
    # Loaded from its file: mypy checks scripts/ as top-level modules, not as a package.
    path = Path(__file__).resolve().parents[2] / "scripts" / "http_bench.py"
    spec = importlib.util.spec_from_file_location("http_bench_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


bench = _script()
median_interval, judged = bench.median_interval, bench.judged


def coverage(n: int, k: int) -> float:
    return 1 - 2 * sum(math.comb(n, i) for i in range(k)) / (1 << n)


@pytest.mark.parametrize(("n", "k"), [(5, 1), (6, 1), (8, 2), (10, 2), (12, 3), (20, 6)])
def test_the_interval_is_the_widest_order_statistics_that_cover_enough(n: int, k: int) -> None:
    values = [float(v) for v in range(n, 0, -1)]  # given unsorted
    assert median_interval(values) == (float(k), float(n + 1 - k))
    assert coverage(n, k) >= 0.9 > coverage(n, k + 1)


def test_too_few_rounds_give_no_interval() -> None:
    assert median_interval([0.8, 0.9, 1.0, 1.1]) is None  # min-max covers 87.5 % only
    assert judged(0.86, None, 1.0) == "met"
    assert judged(0.84, None, 1.0) == "MISSED"


def test_the_verdict_follows_the_interval() -> None:
    assert judged(0.90, (0.85, 0.95), 1.0) == "met"
    assert judged(0.80, (0.70, 0.849), 1.0) == "MISSED"
    assert judged(0.84, (0.78, 0.99), 1.0) == "within noise"
    assert judged(0.86, (0.80, 0.90), 1.0) == "within noise"  # a median above is not enough
    assert judged(0.95, (0.90, 1.00), 1.3) == "MISSED"  # p99 more than 1.2x the peer's
