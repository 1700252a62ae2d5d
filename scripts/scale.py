"""The database at scale: a script, not a test (no timing asserts).

    .venv/bin/python scripts/scale.py seed    [--url postgres://postgres@127.0.0.1:5432/crm_scale]
                                              [--customers 1000000] [--audit 10000000]
                                              [--security-events 200000] [--access-log 1000000]
    .venv/bin/python scripts/scale.py measure [--url ...] [--runs 40] [--only LABEL-PART]
                                              [--skip LABEL-PART]
    .venv/bin/python scripts/scale.py plans   [--url ...] [--only ...] [--skip ...]

`seed` creates the database if missing (never `test` or `postgres`), applies the migrations
and fills it with PostgreSQL's own `generate_series` (see scripts/scale_seed.py): customers in
batches of 100,000 with their contracts and options (spread as the demo's), audit requests and
entries in batches of 50,000 requests, security events and access-log rows over the same year,
then VACUUM ANALYZE (what autovacuum keeps up on a table in use: statistics and the visibility
map, which the plans depend on).
Safe to rerun: it tops up to the requested counts.

`measure` runs every list, search and audit filter the API offers over these tables through
the real schema (guard, enforcement, audit write: each query's own audit rows are written, as
in use) and prints p50 / p99 per query (after warm-ups), with the target p50 < 20 ms,
p99 < 50 ms.

`plans` executes the generic plan of each of those SELECTs and reports any that reads far more
than its page (scripts/scale_plans.py): the plan test's rule, with the statistics of a million.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project, run from anywhere
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_plans import generic_plan, waste
from scale_queries import ScaleQuery, build_queries, callers
from scale_seed import (
    ENTRIES_PER_REQUEST,
    access_log_sql,
    agents_sql,
    contracts_sql,
    customers_sql,
    entries_sql,
    options_sql,
    requests_sql,
    security_events_sql,
)

from models.db import apply_migrations, tortoise_config
from resolvers.app_schema import build_schema
from resolvers.context import build_context
from resolvers.sorted_paging import encode_position
from schema.page import encode_cursor

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/crm_scale"
REFUSED = frozenset({"test", "postgres", "template0", "template1"})
CUSTOMER_BATCH = 100_000
REQUEST_BATCH = 50_000
WARMUP = 3


async def ensure_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in REFUSED or not name:
        raise SystemExit(f"refusing to seed database {name!r}: use a database of its own")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    conn = await asyncpg.connect(admin)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _count(table: str) -> int:
    rows = await get_connection("default").execute_query_dict(
        f"SELECT count(*) AS n FROM {table}"  # noqa: S608 - constant table names
    )
    return int(rows[0]["n"])


async def _max(table: str, column: str) -> int:
    rows = await get_connection("default").execute_query_dict(
        f"SELECT coalesce(max({column}), 0) AS n FROM {table}"  # noqa: S608 - constants
    )
    return int(rows[0]["n"])


async def _run(label: str, sql: str) -> None:
    started = time.perf_counter()
    await get_connection("default").execute_script(sql)
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)


async def seed(customers: int, audit_entries: int, events: int, access_log: int) -> None:
    if await _count("agent") == 0:
        await _run("agents", agents_sql())
    have = await _count("customer")
    for first in range(have + 1, customers + 1, CUSTOMER_BATCH):
        last = min(first + CUSTOMER_BATCH - 1, customers)
        await _run(f"customers {first:,}-{last:,}", customers_sql(first, last))
    await _run("options", options_sql())
    done, top = await _max("contract", "customer_id"), await _max("customer", "id")
    for first in range(done + 1, top + 1, CUSTOMER_BATCH):
        last = min(first + CUSTOMER_BATCH - 1, top)
        await _run(f"contracts, options of ids {first:,}-{last:,}", contracts_sql(first, last))
    requests = audit_entries // ENTRIES_PER_REQUEST
    have = await _count("audit_request")
    for first in range(have + 1, requests + 1, REQUEST_BATCH):
        last = min(first + REQUEST_BATCH - 1, requests)
        await _run(f"audit requests {first:,}-{last:,}", requests_sql(first, last, total=requests))
        ids = await get_connection("default").execute_query_dict(
            "SELECT min(id) AS lo, max(id) AS hi FROM audit_request WHERE request_id IN "
            "(md5('scale' || $1)::uuid::text, md5('scale' || $2)::uuid::text)",
            [str(first), str(last)],
        )
        await _run("  their entries", entries_sql(ids[0]["lo"], ids[0]["hi"], customers))
    for table, total, rows_sql in (
        ("security_event", events, security_events_sql),
        ("access_log", access_log, access_log_sql),
    ):
        have = await _count(table)
        for first in range(have + 1, total + 1, CUSTOMER_BATCH):
            last = min(first + CUSTOMER_BATCH - 1, total)
            await _run(f"{table} {first:,}-{last:,}", rows_sql(first, last, total=total))
    # As autovacuum leaves an insert-only table in use: statistics, and the visibility map
    # that index-only scans (and the planner's costs of them) rely on.
    await _run("vacuum analyze", "VACUUM ANALYZE")
    for table in (
        "customer",
        "contract",
        "option_subscription",
        "audit_request",
        "audit_entry",
        "security_event",
        "access_log",
    ):
        print(f"  {table}: {await _count(table):,} rows")


class Selects(logging.Handler):
    """The SELECTs Tortoise's asyncpg client runs (it logs each with its values)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[tuple[str, list[object]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if isinstance(args, tuple) and len(args) == 2 and str(args[0]).startswith("SELECT"):
            values = args[1]
            self.statements.append((str(args[0]), list(values) if isinstance(values, list) else []))


async def time_query(query: ScaleQuery, runs: int) -> tuple[list[float], list[float]]:
    """Through the API (guard, enforcement, audit write), and its SELECTs alone."""
    schema, who = build_schema(), await callers()
    api, selects = [], Selects()
    runs, warm = (runs, WARMUP) if query.runs is None else (min(runs, query.runs), 1)
    for n in range(warm + runs):
        context = build_context(caller=who[query.role], client_address="203.0.113.7")
        logger = logging.getLogger("tortoise.db_client")
        if n == 0:
            logger.addHandler(selects)
            logger.setLevel(logging.DEBUG)
        started = time.perf_counter()
        result = await schema.execute(
            query.document, variable_values=query.variables, context_value=context
        )
        elapsed = (time.perf_counter() - started) * 1000
        if n == 0:
            logger.removeHandler(selects)
            logger.setLevel(logging.WARNING)
        if result.errors:
            raise SystemExit(f"{query.label}: {[e.message for e in result.errors]}")
        if n >= warm:
            api.append(elapsed)
    return api, await time_selects(selects.statements, runs, warm)


async def time_selects(
    statements: list[tuple[str, list[object]]], runs: int, warm: int = WARMUP
) -> list[float]:
    conn, times = get_connection("default"), []
    for n in range(warm + runs):
        started = time.perf_counter()
        for sql, values in statements:
            await conn.execute_query(sql, values)
        if n >= warm:
            times.append((time.perf_counter() - started) * 1000)
    return times


def _p50_p99(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[
        min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))
    ]


def deep_cursor(column: str, row_id: int) -> str:
    """The cursor a client holds after paging down to `row_id` (id order, or a sort)."""
    return encode_cursor(row_id) if column == "id" else encode_position(row_id)


async def measure(runs: int, only: str | None = None, skip: str | None = None) -> None:
    print(f"{runs} runs per query after {WARMUP} warm-ups; API = schema.execute with guard, "
          "enforcement and the audit write; SQL = the same SELECTs alone")  # fmt: skip
    print(f"{'query':<44}{'API p50':>9}{'p99':>7}{'SQL p50':>9}{'p99':>7}  target p50<20 p99<50")
    for query in await build_queries(deep_cursor):
        if (only is not None and only not in query.label) or (skip and skip in query.label):
            continue
        api, sql = await time_query(query, runs)
        (a50, a99), (s50, s99) = _p50_p99(api), _p50_p99(sql)
        verdict = (
            "met" if a50 < 20 and a99 < 50 else ("SQL met" if s50 < 20 and s99 < 50 else "MISSED")
        )
        print(
            f"{query.label:<44}{a50:>9.1f}{a99:>7.1f}{s50:>9.1f}{s99:>7.1f}  {verdict}", flush=True
        )


async def plans(only: str | None = None, skip: str | None = None) -> None:
    """Each query's SELECTs under their generic plan, executed: the slowest, and any waste."""
    print("generic plans (asyncpg prepares every statement), executed with EXPLAIN ANALYZE")
    print("(auto: the plan cache's choice after 6 runs, as in use; generic: forced)")
    print(f"{'query':<44}{'auto ms':>8}{'generic':>8}  what the generic plan reads beyond a page")
    schema, who = build_schema(), await callers()
    for query in await build_queries(deep_cursor):
        if (only is not None and only not in query.label) or (skip and skip in query.label):
            continue
        selects, logger = Selects(), logging.getLogger("tortoise.db_client")
        logger.addHandler(selects)
        logger.setLevel(logging.DEBUG)
        try:
            context = build_context(caller=who[query.role], client_address="203.0.113.7")
            await schema.execute(query.document, query.variables, context_value=context)
        finally:
            logger.removeHandler(selects)
            logger.setLevel(logging.WARNING)
        auto = generic = 0.0
        found: list[str] = []
        for sql, values in selects.statements:
            chosen = await generic_plan(sql, values, "auto")
            auto += float(chosen["Execution Time"])
            plan = await generic_plan(sql, values, "force_generic_plan")
            generic += float(plan["Execution Time"])
            found += waste(plan)
        shown = "; ".join(found) or "-"
        print(f"{query.label:<44}{auto:>8.1f}{generic:>8.1f}  {shown}", flush=True)


async def main(args: argparse.Namespace) -> None:
    await ensure_database(args.url)
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(args.url))
        await apply_migrations()
        if args.command == "seed":
            await seed(args.customers, args.audit, args.security_events, args.access_log)
        elif args.command == "plans":
            await plans(args.only, args.skip)
        else:
            await measure(args.runs, args.only, args.skip)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Seed and measure at scale (see docstring).")
    parser.add_argument("command", choices=("seed", "measure", "plans"))
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--audit", type=int, default=10_000_000, help="audit entry rows")
    parser.add_argument("--security-events", type=int, default=200_000)
    parser.add_argument("--access-log", type=int, default=1_000_000, help="access-log rows")
    parser.add_argument("--runs", type=int, default=40, help="timed runs per query")
    parser.add_argument("--only", help="measure: only the queries whose label contains this")
    parser.add_argument("--skip", help="measure: leave out the queries whose label contains this")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(_args()))
