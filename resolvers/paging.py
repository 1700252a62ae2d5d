"""Keyset pages over any queryset ordered by id, oldest or newest first."""

from __future__ import annotations

from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.page import PageInfo, PageRequest, page_info

M = TypeVar("M", bound=Model)


async def fetch_page(
    query: QuerySet[M], page: PageRequest, *, newest_first: bool = False
) -> tuple[list[M], PageInfo]:
    """Rows after the cursor (id > it; newest first: id < it), at most `page.size`, and
    whether more follow. The same (column, id) indexes serve both directions."""
    if newest_first:
        after = query.filter(id__lt=page.after_id) if page.after_id else query
        rows = await after.order_by("-id").limit(page.size + 1)
    else:
        rows = await query.filter(id__gt=page.after_id).order_by("id").limit(page.size + 1)
    ids, info = page_info([row.pk for row in rows], page.size)
    return rows[: len(ids)], info
