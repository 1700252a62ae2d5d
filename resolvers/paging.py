"""Keyset pages over any queryset ordered by id."""

from __future__ import annotations

from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.page import PageInfo, PageRequest, page_info

M = TypeVar("M", bound=Model)


async def fetch_page(query: QuerySet[M], page: PageRequest) -> tuple[list[M], PageInfo]:
    """Rows with id > the cursor, at most `page.size`, and whether more follow."""
    rows = await query.filter(id__gt=page.after_id).order_by("id").limit(page.size + 1)
    ids, info = page_info([row.pk for row in rows], page.size)
    return rows[: len(ids)], info
