"""The notification outbox: messages to persons (activation codes, and later disclosure
packages, business-transfer and incident notices) with their delivery state, sent by a worker
(notify.worker).

A message's recipient address and contents are personal (an address, a code): they are kept
only sealed with the deployment secret (`sealed`), never in clear, and erased once the message
is delivered or given up. What stays is who it was for (subject type and id), what kind, by
which channel, and how delivery went.
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


class Notification(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=32)
    channel = fields.CharEnumField(Channel, max_length=8)
    recipient_type = fields.CharField(max_length=16)  # 'customer' | 'agent'
    recipient_id = fields.IntField()
    sealed = fields.TextField()  # address and payload, encrypted; '' once delivered or failed
    state = fields.CharEnumField(DeliveryState, max_length=8, default=DeliveryState.QUEUED)
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=64, null=True)  # an exception class name only
    created_at = fields.DatetimeField()
    next_attempt_at = fields.DatetimeField(db_index=True)
    claimed_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        indexes = (("state", "next_attempt_at"),)
