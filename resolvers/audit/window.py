"""A time window over the id-ordered audit, as an id range read from the `at` index.

The audit lists newest first by request id. A filter on time alone would make the database
walk the ids, testing each request's `at`, until a page is full: through the whole log when
the window holds fewer rows than a page (`until` a year ago walks every newer row first).

The store draws each request row's id within MAX_WRITE_DELAY (D) of the row's `at`, either
side, and refuses the write otherwise (directives.audit). Ids are drawn in time order, so:

- a row dated before `since - 2D` was inserted before `since - D`, and every row dated
  `since` or later was inserted after `since - D`: its id is a strict lower bound of theirs;
- a row dated `until + 2D` or later was inserted after `until + D`, and every row dated before
  `until` was inserted before `until + D`: its id is a strict upper bound of theirs.

One probe of the `at` index finds each bound; the exact `at` filter stays in the query, so no
row is left out nor let in, and the walk beyond the window is at most 2D of traffic. Clocks of
several hosts must agree to well within D (their skew adds to it).

Two more probes find where the `at` test stops mattering, by the same reasoning inwards:

- a row dated `since + 2D` or later was inserted after `since + D`; every row with a higher id
  was inserted later still, so is dated `since` or later (`dated_since`);
- a row dated before `until - 2D` was inserted before `until - D`; every row with a lower id
  is dated before `until` (`dated_until`).

The query tests `at` only where it may fail: `id > dated_since OR at >= since`. Why it matters:
PostgreSQL takes a time range and an id range on the same rows as independent and multiplies
their selectivities, so `at` in a window AND id in its bounds is estimated at a few rows (a
day's 1,370 requests as 3) and the planner reads every entry of the window to sort them; tested
only at the edges, the estimate follows the id range and the plan walks the index in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from directives.audit import MAX_WRITE_DELAY
from tortoise.queryset import QuerySet

from models import AuditRequest

MARGIN = 2 * MAX_WRITE_DELAY
NO_LOWER, NO_UPPER = 0, 2**63 - 1  # no row far enough out: the bound excludes nothing


@dataclass(frozen=True, slots=True)
class IdWindow:
    after: int | None  # every request row in the window has id > after
    before: int | None  # ... and id < before
    dated_since: int | None = None  # every row with id > dated_since is dated since or later
    dated_until: int | None = None  # every row with id < dated_until is dated before until


async def id_window(since: datetime | None, until: datetime | None) -> IdWindow:
    after = before = dated_since = dated_until = None
    if since is not None:
        after = await _nearest(AuditRequest.filter(at__lt=since - MARGIN), "-at", NO_LOWER)
        dated_since = await _nearest(AuditRequest.filter(at__gte=since + MARGIN), "at", NO_UPPER)
    if until is not None:
        before = await _nearest(AuditRequest.filter(at__gte=until + MARGIN), "at", NO_UPPER)
        dated_until = await _nearest(AuditRequest.filter(at__lt=until - MARGIN), "-at", NO_LOWER)
    return IdWindow(after, before, dated_since, dated_until)


async def _nearest(rows: QuerySet[AuditRequest], order: str, none_found: int) -> int:
    """The id of the first row in `order` (one probe of the `at` index), or `none_found`."""
    found = cast(list[int], await rows.order_by(order).limit(1).values_list("id", flat=True))
    return found[0] if found else none_found
