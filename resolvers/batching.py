"""Generic DataLoaders for one request: rows by id within a scope, children by parent; one
SQL query per level, not per row. Each domain builds its own (`resolvers/<domain>/loaders.py`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.sqlite_client import small_read

M = TypeVar("M", bound=Model)


def by_id(query: Callable[[], QuerySet[M]]) -> DataLoader[int, M | None]:
    """Rows by primary key, in one query per batch; missing or out-of-scope ids are None."""

    async def load(ids: list[int]) -> list[M | None]:
        with small_read(len(ids)):  # at most one row per id (models/sqlite_client.py)
            rows = {row.pk: row for row in await query().filter(id__in=ids)}
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load)


def by_parent(model: type[M], column: str) -> DataLoader[int, list[M]]:
    """Child rows grouped by their parent's id, in one query per batch, ordered by id."""
    return by_parent_in(model.all, column)


def by_parent_in(query: Callable[[], QuerySet[M]], column: str) -> DataLoader[int, list[M]]:
    """Child rows within a scope (`query`), grouped by their parent's id, in one query per
    batch, ordered by id: what a root list would give the caller, per parent."""

    async def load(parents: list[int]) -> list[list[M]]:
        found: defaultdict[int, list[M]] = defaultdict(list)
        for row in await query().filter(**{f"{column}__in": parents}).order_by("id"):
            found[getattr(row, column)].append(row)
        return [found.get(p, []) for p in parents]

    return DataLoader(load_fn=load)
