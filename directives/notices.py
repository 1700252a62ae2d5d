"""Where notices to persons go (P8.3 business transfers, APPI art. 26 leak notices).

The notification outbox is being built elsewhere (branch `side`); until it is on main the
deployment has no sender and operations that must notify refuse (NOTICES_UNAVAILABLE)
rather than pretend. The outbox's adapter implements this protocol."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol


class Notices(Protocol):
    async def to_every_user(self, kind: str, payload: Mapping[str, str], *, now: datetime) -> int:
        """Queue one notice to every user; how many were queued."""

    async def to_customers(
        self, ids: Sequence[int], kind: str, payload: Mapping[str, str], *, now: datetime
    ) -> int:
        """Queue one notice to each of these customers; how many were queued."""
