"""Keyset pages over any queryset ordered by id, oldest or newest first, forward
(`first`/`after`) or backward (`last`/`before`)."""

from __future__ import annotations

from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.sqlite_client import small_read
from schema.page import PageInfo, PageRequest, page_info

M = TypeVar("M", bound=Model)


async def fetch_page(
    query: QuerySet[M], page: PageRequest, *, newest_first: bool = False
) -> tuple[list[M], PageInfo]:
    """Forward: the rows after the cursor in the list's order (oldest first: id > it; newest
    first: id < it); backward: the last rows before the cursor. At most `page.size`, in the
    list's order, and whether more follow. The same (column, id) indexes serve every way."""
    onward, back = ("-id", "id") if newest_first else ("id", "-id")
    if page.backward:
        if page.before_id is not None:
            query = query.filter(**{"id__gt" if newest_first else "id__lt": page.before_id})
        query = query.order_by(back)
    else:
        if not newest_first:  # id > 0 on a first page too: the plan stays the (column, id) index
            query = query.filter(id__gt=page.after_id)
        elif page.after_id:
            query = query.filter(id__lt=page.after_id)
        query = query.order_by(onward)
    # A page's rows are bounded by its limit, and read from an index (test_query_plans).
    with small_read(page.size + 1):
        rows = await query.limit(page.size + 1)
    ids, info = page_info([row.pk for row in rows], page)
    by_id = {row.pk: row for row in rows}
    return [by_id[i] for i in ids], info
