"""Adding a message to the outbox. Address, payload and attached files are sealed with the
deployment secret before they are stored; nothing here logs them."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tortoise.backends.base.client import BaseDBAsyncClient

from models.binding import Channel
from models.outbox import DeliveryState, Notification
from notify.templates import MessageKind
from notify.transports import Attachment


class Sealer(Protocol):
    """The deployment's SecretBox (auth.secrets_box), or anything that seals alike."""

    def seal(self, plain: str) -> str: ...

    def open(self, sealed: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a message is for (ids only) and where it goes (an address: personal, sealed)."""

    subject_type: str  # 'customer' | 'agent' | 'requester' (a rights request, P7.3)
    subject_id: int
    channel: Channel
    address: str  # an e-mail address, or a postal address (name, postal code, address)


@dataclass(frozen=True, slots=True)
class Contents:
    """What a message holds in clear while the worker sends it."""

    to: str
    payload: dict[str, str]
    attachments: tuple[Attachment, ...] = ()


async def enqueue(
    sealer: Sealer,
    recipient: Recipient,
    kind: MessageKind,
    payload: Mapping[str, str],
    *,
    now: datetime,
    attachments: Sequence[Attachment] = (),
    topic: str | None = None,
    using_db: BaseDBAsyncClient | None = None,
) -> int:
    """Queue one message; returns its id. The worker renders and sends it, then erases it."""
    files = [
        {"name": a.name, "type": a.media_type, "data": base64.b64encode(a.content).decode()}
        for a in attachments
    ]
    plain = {"to": recipient.address, "payload": dict(payload), "files": files}
    row = await Notification.create(
        using_db=using_db,
        kind=kind.value,
        channel=recipient.channel,
        recipient_type=recipient.subject_type,
        recipient_id=recipient.subject_id,
        topic=topic,
        sealed=sealer.seal(json.dumps(plain)),
        state=DeliveryState.QUEUED,
        created_at=now,
        next_attempt_at=now,
    )
    return int(row.id)


def unseal(sealer: Sealer, sealed: str) -> Contents:
    """Address, payload and files of a stored message."""
    content = json.loads(sealer.open(sealed))
    files = tuple(
        Attachment(f["name"], f["type"], base64.b64decode(f["data"]))
        for f in content.get("files", ())
    )
    return Contents(content["to"], content["payload"], files)
