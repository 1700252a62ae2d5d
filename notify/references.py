"""Messages rendered from what they are about (notices to many persons): nothing personal is
stored with them. At delivery the worker reads the recipient's current e-mail (or, without
one, postal address) and the topic's own row: a business transfer or an incident. That read
is a use of the person's values like any other (sent to the person they are about): it is in
the audit, durably, before the message leaves (`record_use`; a failed audit write fails the
attempt, which is retried). After an answer to a rights request is sent, the request's
deadline clock stops (P7.3)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from directives.audit import AuditBuffer, AuditHeader, AuditStore, TortoiseAuditStore
from directives.policy_versions import in_force
from directives.scope import SubjectKind
from directives.usage import Use, uses
from directives.vocabulary import Purpose
from models import BusinessTransfer, Customer, Incident, RightsRequest
from models.binding import Channel
from models.outbox import Notification
from notify.outbox import Contents
from notify.templates import MessageKind

REFERENCED = frozenset({MessageKind.BUSINESS_TRANSFER.value, MessageKind.LEAK_INCIDENT.value})
# What a message over each channel reveals of the person's record (the activation code of an
# identity binding goes the same ways: resolvers.accounts.binding).
SENT_TO: dict[Channel, dict[str, Use]] = {
    Channel.EMAIL: {"email": Use.DISCLOSE},
    Channel.POST: {"name": Use.DISCLOSE, "postalCode": Use.DISCLOSE, "address": Use.DISCLOSE},
}
# The audit's actor and role for what the outbox worker reads on its own (no login behind
# it); notices that come with running the service are purpose D (P5).
WORKER_ACTOR = "outbox-worker"
WORKER_ROLE = "SYSTEM"
_STORE: AuditStore = TortoiseAuditStore()


class NoAddress(LookupError):
    """The person has neither an e-mail nor a postal address on record (any more)."""


class NobodyLeft(NoAddress):
    """The record was anonymised after its retention period (P7.4), or is gone."""


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
        raise NobodyLeft
    payload = await _payload(row.topic or "")
    if customer.email:
        return Channel.EMAIL, Contents(customer.email, payload)
    if customer.address:
        letter = f"{customer.name}\n〒{customer.postal_code}\n{customer.address}"
        return Channel.POST, Contents(letter, payload)
    raise NoAddress


async def record_use(row: Notification, channel: Channel, store: AuditStore | None = None) -> str:
    """Audit the worker's read of the recipient's contact details for this notice (one
    request row, one entry naming the fields used; never a value): durable before it is sent.
    Returns the audit reference."""
    at = datetime.now(UTC)
    header = AuditHeader(
        request_id=str(uuid.uuid4()),
        at=at,
        actor=WORKER_ACTOR,
        role=WORKER_ROLE,
        purpose=Purpose.D.value,
        operation_name=f"notice {row.topic or row.kind}"[:128],
        client_address=None,
        policy_version=in_force(at).id,
    )
    buffer = AuditBuffer()
    kind = SubjectKind.CUSTOMER.value
    uses(buffer, kind, kind, SENT_TO[channel]).subjects([row.recipient_id])
    await (store or _STORE).write(header, buffer)
    return header.request_id


async def after_sent(row: Notification, now: datetime, conn: BaseDBAsyncClient) -> None:
    """The answer to a rights request is sent: its deadline clock stops (P7.3)."""
    if row.kind == MessageKind.RIGHTS_ANSWER.value:
        await (
            RightsRequest.filter(answer_notification_id=row.id)
            .using_db(conn)
            .update(answer_sent_at=now)
        )
