"""Bulk inserts for demo seeding that hand back exactly the rows they created."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from tortoise.models import Model

M = TypeVar("M", bound=Model)


async def insert_rows(model: type[M], rows: Sequence[M], *, batch_size: int = 1000) -> list[M]:
    """Bulk-create `rows` and return them as saved (with ids), in the order given.

    Tortoise's bulk_create does not set primary keys, so the rows are read back by id above the
    largest id before the insert; rows already in the table are never picked up. Seeding runs in
    one transaction, so the new ids follow the insertion order; the count check catches another
    writer's rows interleaving with ours."""
    marker = await _max_id(model)
    await model.bulk_create(rows, batch_size=batch_size)
    saved = await model.filter(id__gt=marker).order_by("id")
    if len(saved) != len(rows):
        msg = f"{model.__name__}: inserted {len(rows)} rows but read back {len(saved)}"
        raise RuntimeError(msg)
    return saved


async def _max_id(model: type[Model]) -> int:
    last = await model.all().order_by("-id").first()
    return 0 if last is None else int(last.pk)
