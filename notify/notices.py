"""Notices to many persons through the outbox (P8.3 business transfers, APPI art. 26 leak
incidents), implementing `directives.notices.Notices`.

Queued in keyset chunks of customer ids (never every id in memory; every user's chunks are
made by the database itself, `INSERT … SELECT`), each chunk one INSERT that skips who already
has the topic's notice (`ON CONFLICT DO NOTHING` on the unique topic and recipient): a run
interrupted resumes where it stopped (from the highest id queued), and running it again adds
only the missing. Nothing personal is stored: the worker renders each notice from its topic
(notify.references)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
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


# One chunk of every user's notices, made by the database from the customer table (no id
# passes through Python): the customers after the cursor up to the chunk's last id, skipping
# whoever already has the topic's notice (the unique (topic, recipient_type, recipient_id)).
_EVERY_USER_CHUNK = """INSERT INTO notification (kind, channel, recipient_type, recipient_id,
    topic, sealed, state, attempts, created_at, next_attempt_at)
SELECT {0}, 'EMAIL', 'customer', id, {1}, '', 'QUEUED', 0, {2}, {3} FROM customer
WHERE id > {4} AND id <= {5} AND anonymised_at IS NULL
ON CONFLICT DO NOTHING"""
_CHUNK_END = """SELECT id FROM customer WHERE id > {0} AND anonymised_at IS NULL
ORDER BY id LIMIT 1 OFFSET {1}"""
_LAST_ID = "SELECT max(id) AS id FROM customer"


def _marks(conn: BaseDBAsyncClient, count: int) -> list[str]:
    """The dialect's placeholders: $1, $2 … (asyncpg) or ? … (SQLite)."""
    if conn.capabilities.dialect == "postgres":
        return [f"${n}" for n in range(1, count + 1)]
    return ["?"] * count


async def _queue_range(topic: str, kind: str, after: int, now: datetime) -> tuple[int, int]:
    """Queue the chunk of users after customer id `after`: (how many were new, the chunk's
    last id; 0 when no user is left)."""
    conn = connections.get("default")
    ends = await conn.execute_query_dict(_CHUNK_END.format(*_marks(conn, 2)), [after, CHUNK - 1])
    if ends:
        upto = int(ends[0]["id"])
    else:  # the last, shorter chunk: up to the last customer
        last = await conn.execute_query_dict(_LAST_ID)
        upto = int(last[0]["id"] or 0)
    if upto <= after:
        return 0, 0
    marks = _marks(conn, 6)
    if conn.capabilities.dialect == "postgres":  # typed parameters in a SELECT list
        types = ("::varchar", "::varchar", "::timestamptz", "::timestamptz", "", "")
        marks = [mark + cast for mark, cast in zip(marks, types, strict=True)]
    sql = _EVERY_USER_CHUNK.format(*marks)
    async with in_transaction() as tx:
        # Counted on the unique index in the chunk's range (asyncpg's INSERT status gives
        # Tortoise the OID, not the row count).
        chunk = Notification.filter(
            topic=topic, recipient_type="customer", recipient_id__gt=after, recipient_id__lte=upto
        ).using_db(tx)
        before = await chunk.count()
        await tx.execute_query(sql, [kind, topic, now, now, after, upto])
        return await chunk.count() - before, upto


class OutboxNotices:
    """The deployment's notices: queued in the outbox the server's worker sends from."""

    async def to_every_user(self, topic: str, kind: str, *, now: datetime) -> int:
        cursor, queued = await _last_queued(topic), 0
        while True:
            new, cursor = await _queue_range(topic, kind, cursor, now)
            queued += new
            if not cursor:
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
        dropped=int(counts.get(DeliveryState.DROPPED, 0)),
        last_sent_at=last,  # type: ignore[arg-type]
    )
