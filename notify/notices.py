"""Notices to many persons through the outbox (P8.3 business transfers, APPI art. 26 leak
incidents), implementing `directives.notices.Notices`.

Queued in keyset chunks of customer ids (never every id in memory), each chunk one
transaction of one INSERT that skips who already has the topic's notice: an interrupted run
resumes where it stopped (from the highest id queued), and running it again adds only the
missing. Nothing personal is stored: the worker renders each notice from its topic
(notify.references)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tortoise.functions import Count, Max
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from directives.notices import NoticeProgress
from models import Customer
from models.binding import Channel
from models.outbox import DeliveryState, Notification

CHUNK = 1_000


def _rows(topic: str, kind: str, ids: Sequence[int], now: datetime) -> list[Notification]:
    return [
        Notification(
            kind=kind,
            channel=Channel.EMAIL,  # the worker sends a letter instead to whoever has no e-mail
            recipient_type="customer",
            recipient_id=customer_id,
            topic=topic,
            sealed="",
            state=DeliveryState.QUEUED,
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
        for customer_id in ids
    ]


async def _queue(topic: str, kind: str, ids: Sequence[int], now: datetime) -> int:
    """Queue a chunk (ascending ids); how many were new. Counted in the chunk's id range on
    the unique index, never over the whole topic."""
    async with in_transaction() as conn:
        chunk = Notification.filter(
            topic=topic,
            recipient_type="customer",
            recipient_id__gte=ids[0],
            recipient_id__lte=ids[-1],
        ).using_db(conn)
        before = await chunk.count()
        await Notification.bulk_create(
            _rows(topic, kind, ids, now), ignore_conflicts=True, using_db=conn
        )
        return await chunk.count() - before


async def _last_queued(topic: str) -> int:
    """The highest customer id with the topic's notice (index on the unique constraint)."""
    found = (
        await Notification.filter(topic=topic, recipient_type="customer")
        .annotate(last=Max("recipient_id"))
        .values("last")
    )
    return int(found[0]["last"] or 0) if found else 0


async def _requeue_failed(topic: str, now: datetime) -> int:
    """Notices given up on are tried again (nothing sealed was erased: they hold none)."""
    return await Notification.filter(topic=topic, state=DeliveryState.FAILED).update(
        state=DeliveryState.QUEUED, attempts=0, next_attempt_at=now, last_error=None
    )


def _users(after: int) -> QuerySet[Customer]:
    return Customer.filter(id__gt=after, anonymised_at__isnull=True)


async def ids_after(query: QuerySet[Customer]) -> list[int]:
    """One keyset chunk of customer ids, ascending (the primary key's order)."""
    return [int(r["id"]) for r in await query.order_by("id").limit(CHUNK).values("id")]


class OutboxNotices:
    """The deployment's notices: queued in the outbox the server's worker sends from."""

    async def to_every_user(self, topic: str, kind: str, *, now: datetime) -> int:
        cursor, queued = await _last_queued(topic), 0
        while ids := await ids_after(_users(cursor)):
            queued += await _queue(topic, kind, ids, now)
            cursor = ids[-1]
        return queued + await _requeue_failed(topic, now)

    async def to_customers(
        self, topic: str, ids: Sequence[int], kind: str, *, now: datetime
    ) -> int:
        queued, ordered = 0, sorted(set(ids))
        for start in range(0, len(ordered), CHUNK):
            queued += await _queue(topic, kind, ordered[start : start + CHUNK], now)
        return queued + await _requeue_failed(topic, now)


async def missing_users(topic: str) -> bool:
    """Whether a user joined after the topic's notices were queued (ids only grow)."""
    return await _users(await _last_queued(topic)).exists()


async def progress(topic: str) -> NoticeProgress:
    counts = dict(
        await Notification.filter(topic=topic)
        .annotate(n=Count("id"))
        .group_by("state")
        .values_list("state", "n")
    )
    last = (
        await Notification.filter(topic=topic, state=DeliveryState.SENT)
        .order_by("-sent_at")
        .first()
        .values_list("sent_at", flat=True)
    )
    return NoticeProgress(
        queued=int(counts.get(DeliveryState.QUEUED, 0)),
        sending=int(counts.get(DeliveryState.SENDING, 0)),
        sent=int(counts.get(DeliveryState.SENT, 0)),
        failed=int(counts.get(DeliveryState.FAILED, 0)),
        last_sent_at=last,  # type: ignore[arg-type]
    )
