"""The notification outbox: messages to persons (activation codes, and later disclosure
packages, business-transfer and incident notices) with their delivery state, sent by a worker
(notify.worker).

A message's recipient address and contents are personal (an address, a code): they are kept
only sealed with the deployment secret (`sealed`), never in clear, and erased once the message
is delivered or given up. What stays is who it was for (subject type and id), what kind, by
which channel, and how delivery went.

Notices to many persons (business transfers, leak incidents) seal nothing: they carry a
`topic` (`transfer:12`, `incident:3`) and the worker renders them at delivery time from that
reference and the recipient's current record (notify.references). A topic has at most one
message per recipient, so queueing them again after an interruption adds only the missing.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.binding import Channel


class DeliveryState(StrEnum):
    QUEUED = "QUEUED"  # waiting for the worker (again, after a failed attempt)
    SENDING = "SENDING"  # claimed by one worker pass
    SENT = "SENT"  # handed to the mail server or the post
    FAILED = "FAILED"  # given up after the last attempt
    # A notice whose person was anonymised (P7.4) before it went: nobody is left to notify,
    # nothing of theirs goes to the transferee; it holds nothing up.
    DROPPED = "DROPPED"


class Notification(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=32)
    channel = fields.CharEnumField(Channel, max_length=8)
    recipient_type = fields.CharField(max_length=16)  # 'customer' | 'agent'
    recipient_id = fields.IntField()
    # What the message is about ('rights_request:5', 'transfer:12'); None for one-off messages.
    topic = fields.CharField(max_length=40, null=True)
    # Address, payload and attached files, encrypted; '' once delivered or failed, and always
    # '' for messages rendered from their topic.
    sealed = fields.TextField()
    state = fields.CharEnumField(DeliveryState, max_length=8, default=DeliveryState.QUEUED)
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=64, null=True)  # an exception class name only
    created_at = fields.DatetimeField()
    next_attempt_at = fields.DatetimeField(db_index=True)
    claimed_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        indexes = (
            ("state", "next_attempt_at"),
            ("state", "channel", "next_attempt_at"),  # the worker's due messages per channel
            ("topic", "state", "sent_at"),  # a topic's progress and its last notice sent
        )
        unique_together = (("topic", "recipient_type", "recipient_id"),)
