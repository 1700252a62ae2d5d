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

So a window is read in up to three id ranges, newest first (`parts`): its upper edge
[dated_until, before) testing `at < until`, its interior (dated_since, dated_until) testing
no time at all, its lower edge (after, dated_since] testing `at >= since`; a page takes rows
from the first until it is full. Why not one query with `at` and the id bounds: PostgreSQL
takes a time range and an id range on the same rows as independent and multiplies their
selectivities, so it estimates a day's 1,370 requests as 3 (or an hour's 29,000 entries as 58)
and reads every entry of the window to sort them, 30 ms for an hour of a measuring run and
growing with traffic. A range with no time test is estimated from the id histogram alone and
walked in index order, stopping at the page; the edges hold at most 2D of traffic each.
The count (`totalCount`) stays one query over the whole window (`whole`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar, cast

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from directives.audit import MAX_WRITE_DELAY
from models import AuditRequest

M = TypeVar("M", bound=Model)
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


def whole(
    query: QuerySet[M], window: IdWindow, since: datetime | None, until: datetime | None, id_of: str
) -> QuerySet[M]:
    """Every row of the window in one query (for counting); `id_of` names the request id
    on the table read (`request_id` or `request__id`)."""
    if since is not None:
        query = query.filter(
            Q(request__id__gt=window.dated_since) | Q(request__at__gte=since),
            **{f"{id_of}__gt": window.after},
        )
    if until is not None:
        query = query.filter(
            Q(request__id__lt=window.dated_until) | Q(request__at__lt=until),
            **{f"{id_of}__lt": window.before},
        )
    return query


def parts(
    query: QuerySet[M], window: IdWindow, since: datetime | None, until: datetime | None, id_of: str
) -> list[QuerySet[M]]:
    """The window as id ranges, newest first, each testing the time only if it must."""
    if since is None and until is None:
        return [query]
    low = NO_LOWER if window.after is None else window.after  # ids > low
    high = NO_UPPER if window.before is None else window.before  # ids < high
    sure_since = NO_LOWER if since is None or window.dated_since is None else window.dated_since
    sure_until = NO_UPPER if until is None or window.dated_until is None else window.dated_until
    if sure_since + 1 >= sure_until:  # a narrow window: its two edges meet
        ranges = [(low, high, since, until)]
    else:
        ranges = [
            (sure_until - 1, high, None, until),
            (sure_since, sure_until, None, None),
            (low, sure_since + 1, since, None),
        ]
    found = []
    for above, below, at_least, before in ranges:
        if above + 1 >= below:
            continue
        part = query.filter(**{f"{id_of}__gt": above, f"{id_of}__lt": below})
        if at_least is not None:
            part = part.filter(request__at__gte=at_least)
        if before is not None:
            part = part.filter(request__at__lt=before)
        found.append(part)
    return found
