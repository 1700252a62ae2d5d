"""Reading one column of a query (Tortoise types `values_list(flat=True)` as tuples)."""

from __future__ import annotations

from typing import Any

from tortoise.queryset import QuerySet


async def column(query: QuerySet[Any], name: str) -> list[Any]:
    return [row[name] for row in await query.values(name)]
