"""Research at scale: a script, not a test (no timing asserts).

    .venv/bin/python scripts/scale_research.py [--url postgres://postgres@127.0.0.1:5432/crm_scale]
                                               [--pages 20] [--changes 10] [--aggregates 5]
                                               [--warm]

On a database seeded by `scripts/scale.py seed` (customers, contracts and options), through the
real schema (guard, enforcement, audit write), as the scale analyst:

- the first page on this worker: everyone counted, or with `--warm` the warm-up a server
  makes before serving when CRM_RESEARCH_WARM is set (`edge.startup.warm_research`), timed,
  then the first page after it;
- first page after a change: a customer's birth date moves ten years (each moved back at the
  end), then the first `researchRecords` page is timed, `--changes` times; likewise the first
  `researchAggregate` after a change;
- repeated pages: `--pages` pages walked forward (first: 50) over unchanged data, p50 / p99;
- `researchAggregate` by plan, `--aggregates` times, p50 / p99;
- the process's peak and current resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from tortoise.connection import get_connection
from tortoise.context import TortoiseContext

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project, run from anywhere
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_queries import RESEARCH, callers

from directives.vocabulary import Role
from edge.startup import warm_research
from models.db import apply_migrations, tortoise_config
from resolvers.app_schema import build_schema
from resolvers.context import build_context
from resolvers.research.pseudonyms import deployment_key

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/crm_scale"
AGGREGATE = (
    "query @purpose(code: F) { researchAggregate(dimension: PLAN, epsilon: 0.05) "
    "{ groups { key count } } }"
)


def _rss_mb() -> tuple[float, float]:
    """Peak and current resident set size, MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    current = peak
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
    return peak, current


_BUILT: dict[str, Any] = {}


async def _timed(document: str, variables: dict[str, Any] | None = None) -> tuple[float, Any]:
    if not _BUILT:  # once, as a server does: a schema built per call leaves garbage behind
        _BUILT.update(schema=build_schema(), analyst=(await callers())[Role.ANALYST])
    schema = _BUILT["schema"]
    context = build_context(caller=_BUILT["analyst"], epsilon_budget=1e9)
    started = time.perf_counter()
    result = await schema.execute(document, variable_values=variables, context_value=context)
    elapsed = (time.perf_counter() - started) * 1000
    if result.errors:
        raise SystemExit(str([e.message for e in result.errors]))
    return elapsed, result.data


_MOVED = (
    "UPDATE customer SET birth_date = birth_date {} 3653 "
    "WHERE id = (SELECT min(id) + {} FROM customer)"
)


async def _move_a_customer(n: int, back: bool = False) -> None:
    """Customer n (from the first) ten years older or, `back`, as before: a research row
    that really moves (another birth decade)."""
    await get_connection("default").execute_script(_MOVED.format("+" if back else "-", 17 + n))


def _p50_p99(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):9.1f} ms  p99 {p99:9.1f} ms  (n={len(times)})"


async def measure(pages: int, changes: int, aggregates: int, warm: bool) -> None:
    print(f"  resident at start: peak {_rss_mb()[0]:.0f} MB", flush=True)
    first = "first page on this worker (everyone counted)"
    if warm:
        started = time.perf_counter()
        await warm_research(await deployment_key())
        elapsed = (time.perf_counter() - started) * 1000
        print(f"  warm-up before serving (everyone counted): {elapsed:9.1f} ms", flush=True)
        first = "first page on this worker (warmed)"
    elapsed, _ = await _timed(RESEARCH)
    print(f"  {first}: {elapsed:9.1f} ms", flush=True)
    await _timed(AGGREGATE)
    firsts, counted_first = [], []
    try:
        for n in range(changes):
            await _move_a_customer(n)
            firsts.append((await _timed(RESEARCH))[0])
            await _move_a_customer(changes + n)
            counted_first.append((await _timed(AGGREGATE))[0])
    finally:
        for n in range(2 * changes):
            await _move_a_customer(n, back=True)
    print(f"  first page after a change:    {_p50_p99(firsts)}", flush=True)
    print(f"  first aggregate after one:    {_p50_p99(counted_first)}", flush=True)
    walked, after = [], None
    for _ in range(pages):
        elapsed, data = await _timed(RESEARCH, {"after": after})
        walked.append(elapsed)
        after = data["researchRecords"]["pageInfo"]["endCursor"]
    print(f"  repeated pages (first: 50):   {_p50_p99(walked)}", flush=True)
    counted = [(await _timed(AGGREGATE))[0] for _ in range(aggregates)]
    print(f"  researchAggregate (PLAN):     {_p50_p99(counted)}", flush=True)
    peak, current = _rss_mb()
    print(f"  resident: peak {peak:.0f} MB, now {current:.0f} MB", flush=True)


async def main(args: argparse.Namespace) -> None:
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(args.url))
        await apply_migrations()
        await measure(args.pages, args.changes, args.aggregates, args.warm)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Research at scale (see docstring).")
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--aggregates", type=int, default=5)
    parser.add_argument("--warm", action="store_true", help="warm up as CRM_RESEARCH_WARM does")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(_args()))
