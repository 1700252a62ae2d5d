"""What research costs in utility (P5.F): a script, not a test.

    .venv/bin/python scripts/research_utility.py [--customers N] [--repeats N]

Seeds N demo customers (as `server.py --demo` does, default 1,000) into a temporary SQLite
file, then reports

- rows: how many customers appear at k = 5 with the masks alone and with the scheme chosen,
  the scheme, and its loss (normalised certainty penalty per row and quasi-identifier, 0 as the
  policy masks, 1 withheld; a left-out row counts 1);
- aggregates: per dimension, the mean absolute error of a noisy count at the default epsilon,
  and the mean relative error over groups of at least 20 customers, from `--repeats` answers
  computed by the mechanism directly (no budget is charged).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from collections import Counter
from pathlib import Path

from tortoise.context import TortoiseContext

from demo import seed
from models.db import apply_migrations, tortoise_config
from resolvers.research import noise
from resolvers.research.aggregate import KEY_OF, KEYS
from resolvers.research.budget import DEFAULT_EPSILON
from resolvers.research.hierarchy import QUASI
from resolvers.research.population import Member, population
from resolvers.research.release import ALL_SCHEMES, Choice, K, choose, released
from schema.research.view import ResearchDimension


def _rows(members: list[Member]) -> None:
    rows = [m.row for m in members]
    masked = sum(released(rows, ALL_SCHEMES[0]))
    choice: Choice = choose(rows)
    print(f"customers: {len(rows)}, k = {K}")
    print(f"appear with the masks alone: {masked} ({masked / len(rows):.1%})")
    print(f"appear generalised: {choice.released} ({choice.coverage:.1%})")
    print(f"scheme: {choice.scheme.code}")
    for quasi in QUASI:
        print(f"  {quasi.value:12} {choice.scheme.step_name(quasi)}")
    print(f"loss per released row: {choice.scheme.loss:.3f}; per customer: {choice.loss:.3f}")


def _aggregates(members: list[Member], repeats: int) -> None:
    print(f"\naggregates at epsilon = {DEFAULT_EPSILON} per answer:")
    for dimension in ResearchDimension:
        values = [KEY_OF[dimension](m) for m in members]
        truth = Counter(values)
        plan = noise.histogram(KEYS[dimension], DEFAULT_EPSILON)
        errors, relative = [], []
        for _ in range(repeats):
            for key, count in noise.release(plan, values):
                exact = truth[key] if key != noise.OTHER else _other(truth, plan.keys)
                errors.append(abs(count - exact))
                if exact >= 20:
                    relative.append(abs(count - exact) / exact)
        shown = f"{statistics.fmean(relative):.1%}" if relative else "n/a"
        print(
            f"  {dimension.value:13} scale {plan.scale:.1f}: mean |error| "
            f"{statistics.fmean(errors):.2f}, relative on groups >= 20: {shown}"
        )


def _other(truth: Counter[str], keys: tuple[str, ...]) -> int:
    return sum(n for k, n in truth.items() if k not in keys)


async def main(customers: int, repeats: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite://{Path(directory) / 'crm.sqlite3'}"
        async with TortoiseContext() as context:
            await context.init(config=tortoise_config(url))
            await apply_migrations()
            await seed(customers=customers)
            members = await population()
    _rows(members)
    _aggregates(members, repeats)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=200)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.customers, arguments.repeats))
