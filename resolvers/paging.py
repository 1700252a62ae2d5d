"""Keyset pages over any queryset ordered by id, forward (`first`/`after`) or backward
(`last`/`before`)."""

from __future__ import annotations

from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.page import PageInfo, PageRequest, page_info

M = TypeVar("M", bound=Model)


async def fetch_page(query: QuerySet[M], page: PageRequest) -> tuple[list[M], PageInfo]:
    """Forward: rows with id > the cursor; backward: the last rows with id < the cursor.
    At most `page.size`, in id order, and whether more follow."""
    if page.backward:
        if page.before_id is not None:
            query = query.filter(id__lt=page.before_id)
        rows = await query.order_by("-id").limit(page.size + 1)
    else:
        rows = await query.filter(id__gt=page.after_id).order_by("id").limit(page.size + 1)
    ids, info = page_info([row.pk for row in rows], page)
    by_id = {row.pk: row for row in rows}
    return [by_id[i] for i in ids], info
