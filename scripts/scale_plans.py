"""`scripts/scale.py plans`: the plan test's rule checked where it matters, at scale.

tests/resolvers/test_query_plans.py explains each list's generic plan on a test database of a
few rows, where the planner's choices are not those it makes over a million (it picked a
primary-key walk for a rare actor only at scale). Here each measured query's SELECTs are
prepared again, their *generic* plan (asyncpg prepares every statement) run with EXPLAIN
ANALYZE over the seeded tables, and what reads far more than a page is reported: a sequential
scan, an index walk that threw away more than WASTE rows, a sort of more than WASTE rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from tortoise.connection import get_connection

WASTE = 5_000  # rows read beyond a page before this is reported
SMALL_TABLES = frozenset({"agent", "option_service", "campaign", "survey", "research_key"})


def literal(value: object) -> str:
    """A bound value as SQL (EXECUTE takes no parameters through asyncpg)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime | date):
        return f"'{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


async def generic_plan(sql: str, values: list[object], mode: str) -> dict[str, Any]:
    """The plan `mode` gives (`force_generic_plan`, or `auto` after 6 executions: the plan
    cache's own choice, as a prepared statement gets it in use), executed."""
    client: Any = get_connection("default")
    async with client.acquire_connection() as conn:
        await conn.execute(f"SET plan_cache_mode = {mode}")
        await conn.execute(f"PREPARE scale_plan AS {sql}")
        try:
            arguments = f"({', '.join(literal(v) for v in values)})" if values else ""
            for _ in range(6 if mode == "auto" else 0):
                await conn.execute(f"EXECUTE scale_plan{arguments}")
            text = await conn.fetchval(
                f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE scale_plan{arguments}"
            )
        finally:
            await conn.execute("DEALLOCATE scale_plan; RESET plan_cache_mode")
    plan: dict[str, Any] = json.loads(text)[0]
    return plan


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def waste(plan: dict[str, Any]) -> list[str]:
    """What in an executed plan read far more rows than it returned."""
    found = []
    for node in _nodes(plan["Plan"]):
        table, kind = node.get("Relation Name"), node["Node Type"]
        loops = node.get("Actual Loops", 1)
        removed = node.get("Rows Removed by Filter", 0) * loops
        if kind == "Seq Scan" and table not in SMALL_TABLES:
            found.append(f"Seq Scan on {table}")
        elif removed > WASTE:
            found.append(f"{kind} on {table or '?'} filtered out {removed:,} rows")
        elif kind == "Sort" and node["Plans"][0].get("Actual Rows", 0) * loops > WASTE:
            found.append(f"Sort of {node['Plans'][0]['Actual Rows'] * loops:,} rows")
    return found
