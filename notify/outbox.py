"""Adding a message to the outbox. Address and payload are sealed with the deployment secret
before they are stored; nothing here logs them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tortoise.backends.base.client import BaseDBAsyncClient

from models.binding import Channel
from models.outbox import DeliveryState, Notification
from notify.templates import MessageKind


class Sealer(Protocol):
    """The deployment's SecretBox (auth.secrets_box), or anything that seals alike."""

    def seal(self, plain: str) -> str: ...

    def open(self, sealed: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a message is for (ids only) and where it goes (an address: personal, sealed)."""

    subject_type: str  # 'customer' | 'agent'
    subject_id: int
    channel: Channel
    address: str  # an e-mail address, or a postal address (name, postal code, address)


async def enqueue(
    sealer: Sealer,
    recipient: Recipient,
    kind: MessageKind,
    payload: Mapping[str, str],
    *,
    now: datetime,
    using_db: BaseDBAsyncClient | None = None,
) -> int:
    """Queue one message; returns its id. The worker renders and sends it, then erases it."""
    sealed = sealer.seal(json.dumps({"to": recipient.address, "payload": dict(payload)}))
    row = await Notification.create(
        using_db=using_db,
        kind=kind.value,
        channel=recipient.channel,
        recipient_type=recipient.subject_type,
        recipient_id=recipient.subject_id,
        sealed=sealed,
        state=DeliveryState.QUEUED,
        created_at=now,
        next_attempt_at=now,
    )
    return int(row.id)


def unseal(sealer: Sealer, sealed: str) -> tuple[str, dict[str, str]]:
    """(address, payload) of a stored message."""
    content = json.loads(sealer.open(sealed))
    return content["to"], content["payload"]
