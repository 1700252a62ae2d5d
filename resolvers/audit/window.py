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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from directives.audit import MAX_WRITE_DELAY
from models import AuditRequest

MARGIN = 2 * MAX_WRITE_DELAY
NO_LOWER, NO_UPPER = 0, 2**63 - 1  # no row far enough out: the bound excludes nothing


@dataclass(frozen=True, slots=True)
class IdWindow:
    after: int | None  # every request row in the window has id > after
    before: int | None  # ... and id < before


async def id_window(since: datetime | None, until: datetime | None) -> IdWindow:
    after = before = None
    if since is not None:
        older = AuditRequest.filter(at__lt=since - MARGIN).order_by("-at").limit(1)
        found = cast(list[int], await older.values_list("id", flat=True))
        after = found[0] if found else NO_LOWER
    if until is not None:
        newer = AuditRequest.filter(at__gte=until + MARGIN).order_by("at").limit(1)
        found = cast(list[int], await newer.values_list("id", flat=True))
        before = found[0] if found else NO_UPPER
    return IdWindow(after, before)
