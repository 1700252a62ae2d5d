"""The outbox worker: claims due messages, renders and sends each, records the outcome, and
erases the sealed address and contents once a message is sent or given up. It logs ids,
kinds, channels and exception class names, never an address, a body or a file."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from models.binding import Channel
from models.outbox import DeliveryState, Notification
from notify.outbox import Contents, Sealer, unseal
from notify.references import REFERENCED, NobodyLeft, after_sent, reach, record_use
from notify.templates import render
from notify.transports import Transport

log = logging.getLogger("crm.outbox")

MAX_ATTEMPTS = 6
BATCH = 50
STALE_CLAIM = timedelta(minutes=10)  # a pass that died while sending: try again


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 minutes between attempts."""
    return timedelta(minutes=2 ** (attempts - 1))


@dataclass(frozen=True, slots=True)
class Pass:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    dropped: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.dropped


async def _due(channel: Channel, moment: datetime) -> list[Notification]:
    """The channel's due messages, earliest first (index (state, channel, next_attempt_at):
    a million notices waiting on one channel cost the other nothing)."""
    return (
        await Notification.filter(
            state=DeliveryState.QUEUED, channel=channel, next_attempt_at__lte=moment
        )
        .order_by("next_attempt_at")
        .limit(BATCH)
    )


async def deliver_once(
    sealer: Sealer, transports: Mapping[Channel, Transport], *, now: datetime | None = None
) -> Pass:
    """One pass over the due messages of the channels that have a transport."""
    moment = now or datetime.now(UTC)
    due = [row for channel in transports for row in await _due(channel, moment)]
    stale = await Notification.filter(
        state=DeliveryState.SENDING, claimed_at__lt=moment - STALE_CLAIM
    ).limit(BATCH)
    outcomes = [await _deliver(sealer, transports, row, moment) for row in [*stale, *due]]
    return Pass(
        sent=outcomes.count(DeliveryState.SENT),
        retried=outcomes.count(DeliveryState.QUEUED),
        failed=outcomes.count(DeliveryState.FAILED),
        dropped=outcomes.count(DeliveryState.DROPPED),
    )


async def _claim(row: Notification, now: datetime) -> bool:
    """One pass (or worker) per message: the state moves only if nobody moved it first."""
    claimed = await Notification.filter(id=row.id, state=row.state, attempts=row.attempts).update(
        state=DeliveryState.SENDING, claimed_at=now, attempts=row.attempts + 1
    )
    return bool(claimed)


async def _contents(sealer: Sealer, row: Notification) -> tuple[Channel, Contents]:
    """Sealed messages open; notices are rendered from their topic (notify.references)."""
    if row.kind in REFERENCED:
        return await reach(row)
    return row.channel, unseal(sealer, row.sealed)


async def _redirect(row: Notification, channel: Channel, now: datetime) -> None:
    """A notice whose person has no e-mail goes by post: back in the queue on that channel,
    the attempt not counted."""
    await Notification.filter(id=row.id).update(
        state=DeliveryState.QUEUED, channel=channel, attempts=row.attempts, next_attempt_at=now
    )
    log.info("outbox redirected id=%s kind=%s channel=%s", row.id, row.kind, channel.value)


async def _deliver(
    sealer: Sealer, transports: Mapping[Channel, Transport], row: Notification, now: datetime
) -> DeliveryState | None:
    if row.channel not in transports or not await _claim(row, now):
        return None
    attempts = row.attempts + 1
    try:
        channel, contents = await _contents(sealer, row)
        if channel is not row.channel:
            await _redirect(row, channel, now)
            return None
        if row.kind in REFERENCED:  # read from the record just now: audited before it leaves
            await record_use(row, channel)
        text = render(row.kind, contents.payload)
        await transports[row.channel].send(
            message_id=row.id,
            to=contents.to,
            subject=text.subject,
            body=text.body,
            attachments=contents.attachments,
        )
    except NobodyLeft:
        return await _dropped(row)
    except Exception as error:  # any failure is retried; its text is not kept
        return await _failed(row, attempts, type(error).__name__, now)
    async with in_transaction() as conn:
        await (
            Notification.filter(id=row.id)
            .using_db(conn)
            .update(state=DeliveryState.SENT, sent_at=now, sealed="", last_error=None)
        )
        await after_sent(row, now, conn)
    log.info("outbox sent id=%s kind=%s channel=%s", row.id, row.kind, row.channel.value)
    return DeliveryState.SENT


async def _dropped(row: Notification) -> DeliveryState:
    await Notification.filter(id=row.id).update(
        state=DeliveryState.DROPPED, sealed="", last_error=None
    )
    log.info("outbox dropped id=%s kind=%s: the person's record is anonymised", row.id, row.kind)
    return DeliveryState.DROPPED


async def _failed(row: Notification, attempts: int, error: str, now: datetime) -> DeliveryState:
    final = attempts >= MAX_ATTEMPTS
    state = DeliveryState.FAILED if final else DeliveryState.QUEUED
    await Notification.filter(id=row.id).update(
        state=state,
        last_error=error[:64],
        next_attempt_at=now + retry_delay(attempts),
        **({"sealed": ""} if final else {}),
    )
    log.warning(
        "outbox attempt failed id=%s kind=%s channel=%s attempt=%s error=%s",
        row.id, row.kind, row.channel.value, attempts, error,
    )  # fmt: skip
    return state


async def run_worker(
    sealer: Sealer, transports: Mapping[Channel, Transport], *, interval: float = 5.0
) -> None:
    """The server's background task (started in the lifespan, cancelled at shutdown). A full
    pass is followed by the next at once: a million notices do not wait 5 s per 50."""
    while True:
        handled = 0
        try:
            handled = (await deliver_once(sealer, transports)).handled
        except Exception as error:  # the worker outlives a failed pass
            log.error("outbox pass failed error=%s", type(error).__name__)
        await asyncio.sleep(0 if handled >= BATCH else interval)
