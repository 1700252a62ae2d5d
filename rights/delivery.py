"""How an answer reaches the person: a parcel (message and files) handed to the notification
outbox (`notify/`), which sends it by e-mail with the files attached.

The parcel is sealed into the outbox like every message there (address, text and files
encrypted with the deployment secret) and erased once sent or given up: the request keeps
only the message's id (no topic: a request answered again after a failed delivery gets a
new message), counts and a digest. The request's deadline clock stops when the
worker has sent it (`notify.references.after_sent`), not when it was queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tortoise.backends.base.client import BaseDBAsyncClient

from models.binding import Channel
from notify.outbox import Recipient, Sealer, enqueue
from notify.templates import MessageKind
from notify.transports import Attachment

__all__ = ["Attachment", "Delivery", "OutboxDelivery", "Parcel"]


@dataclass(frozen=True, slots=True)
class Parcel:
    request_id: int
    customer_id: int | None  # None: nothing held, the answer goes to the reply address
    to: str  # e-mail address
    subject: str
    body: str
    attachments: tuple[Attachment, ...]


class Delivery(Protocol):
    async def send(
        self, parcel: Parcel, *, now: datetime, using_db: BaseDBAsyncClient | None = None
    ) -> int:
        """Queue the parcel durably; returns the outbox message's id. Raises if it cannot."""


@dataclass(frozen=True, slots=True)
class OutboxDelivery:
    sealer: Sealer

    async def send(
        self, parcel: Parcel, *, now: datetime, using_db: BaseDBAsyncClient | None = None
    ) -> int:
        who = ("customer", parcel.customer_id) if parcel.customer_id else None
        subject_type, subject_id = who or ("requester", parcel.request_id)
        return await enqueue(
            self.sealer,
            Recipient(subject_type, subject_id, Channel.EMAIL, parcel.to),
            MessageKind.RIGHTS_ANSWER,
            {"subject": parcel.subject, "body": parcel.body},
            now=now,
            attachments=parcel.attachments,
            using_db=using_db,
        )
