"""Four-eyes resets of another account's credentials (auth.resets): one administrator asks,
another approves. Who asked, who approved, when, how, and whether the reset is still open.
Never a password or a code: a staff member's temporary password is made of two parts, one
shown to each administrator; the requester's part waits here sealed with the deployment
secret until the approval, then is erased."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.account import Account


class ResetMethod(StrEnum):
    # A login bound to a person (customer, agent): a new activation code to the contact
    # details on record; the person chooses the new password (auth.activation).
    ACTIVATION_CODE = "ACTIVATION_CODE"
    # Staff: a temporary password in two parts, one per administrator (split knowledge:
    # neither can log in alone); it must be changed at the first login.
    SPLIT_PASSWORD = "SPLIT_PASSWORD"  # noqa: S105 - a method's name


class CredentialReset(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="credential_resets", on_delete=fields.RESTRICT
    )
    account_id: int
    method = fields.CharEnumField(ResetMethod, max_length=16)
    second_factor = fields.BooleanField()  # the TOTP and recovery codes go too
    requested_by = fields.CharField(max_length=64)
    requested_at = fields.DatetimeField()
    approved_by = fields.CharField(max_length=64, null=True)
    approved_at = fields.DatetimeField(null=True)
    sealed_part = fields.TextField(default="")  # the requester's part, until approved
    # True while the reset waits for approval, NULL after: the unique index allows one open
    # reset per account (NULLs are distinct on both databases), so two requests cannot race.
    open = fields.BooleanField(null=True, default=True)

    class Meta:
        table = "credential_reset"
        unique_together = (("account", "open"),)
        indexes = (("open", "id"),)  # the open ones, for the approving administrator
