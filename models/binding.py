"""Identity binding: how a login came to act as an existing person (customer or agent).

Binding a login to a person is identity proofing: an administrator requests it, a second one
approves it, and the person takes part by activating the login with a code sent to the contact
details on record. Auditors read these rows to tell a person's own login from one an operator
made for them. Ids, logins and times only: the code is kept as a keyed hash until used.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.account import Account


class BindingMethod(StrEnum):
    ACTIVATION_CODE = "ACTIVATION_CODE"  # requested, approved, activated by the person
    OPERATOR_SEED = "OPERATOR_SEED"  # the operator's own seeding (demo data): nobody proofed
    UNPROOFED = "UNPROOFED"  # bound before identity proofing existed (migration 0008)


class Channel(StrEnum):
    """How a message reaches a person: e-mail, or a letter queued for post."""

    EMAIL = "EMAIL"
    POST = "POST"


class AccountBinding(Model):
    id = fields.IntField(primary_key=True)
    account: fields.OneToOneRelation[Account] = fields.OneToOneField(
        "models.Account", related_name="binding", on_delete=fields.RESTRICT
    )
    account_id: int
    role = fields.CharField(max_length=16)
    subject_type = fields.CharField(max_length=16)  # 'customer' | 'agent'
    subject_id = fields.IntField()
    method = fields.CharEnumField(BindingMethod, max_length=20)
    requested_by = fields.CharField(max_length=64)
    requested_at = fields.DatetimeField()
    approved_by = fields.CharField(max_length=64, null=True)
    approved_at = fields.DatetimeField(null=True)
    channel = fields.CharEnumField(Channel, max_length=8, null=True)
    code_hash = fields.CharField(max_length=64, null=True)  # HMAC, cleared once used
    code_expires_at = fields.DatetimeField(null=True)
    notification_id = fields.BigIntField(null=True)  # the outbox message with the code
    activated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account_binding"
