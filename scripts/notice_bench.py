# ruff: noqa: S608  (SQL built from constants and integers only, no input)
"""Queueing a business-transfer notice to every customer (P8.3), at scale: how long it takes,
how much memory it holds (tracemalloc peak: it must not grow with the number of customers),
how long the auditors' state (`progress`) and the "everyone noticed?" check take.

    .venv/bin/python scripts/notice_bench.py --url postgres://postgres@127.0.0.1:5432/notice_bench
    .venv/bin/python scripts/notice_bench.py --url sqlite:///tmp/notice_bench.sqlite3

The database must be a throwaway one (it is emptied of customers and notifications first).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import tracemalloc
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from tortoise.connection import get_connection
from tortoise.context import TortoiseContext

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project, run from anywhere
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import ensure_database

from models.db import apply_migrations, tortoise_config
from notify.notices import OutboxNotices, missing_users, progress

T = TypeVar("T")

COLUMNS = """name, name_kana, postal_code, address, phone, fax, email, bank_name, bank_branch,
account_type, account_number, account_holder, survey_opt_out, marketing_opt_out, version,
created_at, updated_at"""


def _seed_sql(count: int, postgres: bool) -> str:
    now = "now()" if postgres else "CURRENT_TIMESTAMP"
    values = f"""'n' || g, 'k', '000-0000', 'a', 'p' || g, '', 'c' || g || '@x.example', 'b',
        'b', 'normal', '0', 'h', false, false, 1, {now}, {now}"""
    if postgres:
        return (
            f"INSERT INTO customer ({COLUMNS}) SELECT {values} FROM generate_series(1, {count}) g"
        )
    return (
        f"WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {count}) "
        f"INSERT INTO customer ({COLUMNS}) SELECT {values} FROM s"
    )


async def _timed(label: str, work: Awaitable[T]) -> T:
    started = time.perf_counter()
    result = await work
    print(f"{label:<40}{time.perf_counter() - started:>9.2f} s", flush=True)
    return result


async def main(args: argparse.Namespace) -> None:
    postgres = args.url.startswith("postgres")
    if postgres:
        await ensure_database(args.url)
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(args.url))
        await apply_migrations()
        db = get_connection("default")
        await db.execute_script("DELETE FROM notification; DELETE FROM customer")
        await _timed(
            f"seed {args.customers:,} customers",
            db.execute_script(_seed_sql(args.customers, postgres)),
        )
        tracemalloc.start()
        now = datetime.now(UTC)
        queued = await _timed(
            "queue every user's notice",
            OutboxNotices().to_every_user("transfer:1", "BUSINESS_TRANSFER", now=now),
        )
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{'queued':<40}{queued:>9,}")
        print(f"{'peak memory while queueing':<40}{peak / 2**20:>9.1f} MiB")
        again = await _timed(
            "queue again (nothing missing)",
            OutboxNotices().to_every_user("transfer:1", "BUSINESS_TRANSFER", now=now),
        )
        print(f"{'queued again':<40}{again:>9,}")
        state = await _timed("progress (auditors' state)", progress("transfer:1"))
        print(f"{'progress':<40}{state.queued:>9,} queued")
        await _timed("anyone without a notice?", missing_users("transfer:1"))


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--customers", type=int, default=100_000)
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(_args()))
