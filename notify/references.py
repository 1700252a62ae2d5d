"""Messages rendered from what they are about (notices to many persons): nothing personal is
stored with them. At delivery the worker reads the recipient's current e-mail (or, without
one, postal address) and the topic's own row: a business transfer or an incident. After an
answer to a rights request is sent, the request's deadline clock stops (P7.3)."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from models import BusinessTransfer, Customer, Incident, RightsRequest
from models.binding import Channel
from models.outbox import Notification
from notify.outbox import Contents
from notify.templates import MessageKind

REFERENCED = frozenset({MessageKind.BUSINESS_TRANSFER.value, MessageKind.LEAK_INCIDENT.value})


class NoAddress(LookupError):
    """The person has neither an e-mail nor a postal address on record (any more)."""


def topic_of(kind: str, row_id: int) -> str:
    return f"{kind}:{row_id}"


async def _payload(topic: str) -> dict[str, str]:
    kind, _, ident = topic.partition(":")
    if kind == "transfer":
        transfer = await BusinessTransfer.get(id=int(ident))
        return {
            "transferee": transfer.transferee,
            "extent": transfer.extent.value,
            "planned_on": transfer.planned_on.isoformat(),
        }
    incident = await Incident.get(id=int(ident))
    return {
        "kind": incident.kind.value,
        "found_on": f"{incident.found_at:%Y-%m-%d}",
        "incident": ident,
    }


async def reach(row: Notification) -> tuple[Channel, Contents]:
    """Where the notice goes now and what it says."""
    customer = await Customer.get_or_none(id=row.recipient_id)
    if customer is None or customer.anonymised_at is not None:
        raise NoAddress
    payload = await _payload(row.topic or "")
    if customer.email:
        return Channel.EMAIL, Contents(customer.email, payload)
    if customer.address:
        letter = f"{customer.name}\n〒{customer.postal_code}\n{customer.address}"
        return Channel.POST, Contents(letter, payload)
    raise NoAddress


async def after_sent(row: Notification, now: datetime, conn: BaseDBAsyncClient) -> None:
    """The answer to a rights request is sent: its deadline clock stops (P7.3)."""
    if row.kind == MessageKind.RIGHTS_ANSWER.value:
        await (
            RightsRequest.filter(answer_notification_id=row.id)
            .using_db(conn)
            .update(answer_sent_at=now)
        )
