"""Notices to persons (P8.3 business transfers, APPI art. 26 leak notices): what operations
that must notify ask of the notification outbox (implemented by `notify.notices`), and the
state auditors see. A deployment without an outbox has no `Notices`, and operations that
must notify refuse (NOTICES_UNAVAILABLE) rather than pretend.

A notice is about a topic (`transfer:12`, `incident:3`) and reaches each person once per
topic: queueing again after an interruption adds only who is missing, and sends again to
those whose delivery failed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class NoticeProgress:
    """How the notices of one topic went, from the outbox (counts, never who)."""

    queued: int = 0  # waiting for the worker, or for another attempt
    sending: int = 0
    sent: int = 0
    failed: int = 0  # given up after the last attempt: queue the notice again
    dropped: int = 0  # the person was anonymised before it went: nobody left to notify
    last_sent_at: datetime | None = None

    @property
    def total(self) -> int:
        return self.queued + self.sending + self.sent + self.failed + self.dropped

    @property
    def all_sent(self) -> bool:
        """Every notice sent, or dropped with its person's record: none waiting or failed."""
        return self.sent > 0 and self.sent + self.dropped == self.total


class Notices(Protocol):
    async def to_every_user(self, topic: str, kind: str, *, now: datetime) -> int:
        """Queue the topic's notice to every user not queued yet (in chunks, resumable), and
        again to those whose notice failed; how many were queued."""

    async def to_customers(
        self, topic: str, ids: Sequence[int], kind: str, *, now: datetime
    ) -> int:
        """Likewise for these customers only."""
