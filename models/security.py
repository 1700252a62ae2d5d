"""Sessions, API tokens, recovery codes, login throttling, security events, access log.

Tokens and codes are stored only as hashes. Nothing here holds a personal value (P6.1).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.account import Account


class Stage(StrEnum):
    """How far a session has come through login. Only FULL may use the API."""

    PENDING_TOTP = "PENDING_TOTP"
    PASSWORD_CHANGE = "PASSWORD_CHANGE"
    TOTP_ENROLMENT = "TOTP_ENROLMENT"
    FULL = "FULL"


class Session(Model):
    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    csrf_hash = fields.CharField(max_length=64)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="sessions", on_delete=fields.CASCADE
    )
    account_id: int
    stage = fields.CharEnumField(Stage, max_length=16)
    browser = fields.BooleanField(default=False)  # cookie session (else bearer)
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()  # absolute timeout
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "session"
        indexes = (("account_id", "id"),)  # an account's sessions (mySessions, revocations)


class ApiToken(Model):
    """A named, revocable token for an integration, scoped to one role."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    token_hash = fields.CharField(max_length=64, unique=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="api_tokens", on_delete=fields.CASCADE
    )
    account_id: int
    role = fields.CharField(max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)  # None only for tokens made before expiry
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"
        unique_together = (("account", "name"),)


class RecoveryCode(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="recovery_codes", on_delete=fields.CASCADE
    )
    account_id: int
    code_hash = fields.CharField(max_length=64, unique=True)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "recovery_code"


class LoginThrottle(Model):
    """Failures per key ('login:<id>', 'addr:<ip>', 'totp:<account>'): delays, then a lock."""

    key = fields.CharField(max_length=160, primary_key=True)
    failures = fields.IntField(default=0)
    blocked_until = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "login_throttle"


class SecurityEvent(Model):
    """ASVS V16: who, what, when (UTC), from where. Never a credential or a personal value."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    kind = fields.CharField(max_length=32)
    actor = fields.CharField(max_length=64)  # an existing login, or '-'
    account_id = fields.IntField(null=True)
    client_address = fields.CharField(max_length=64, null=True)
    detail = fields.CharField(max_length=64, default="")
    # Identity binding events (auth.binding): the role, the person bound ('customer:12') and
    # the two administrators. Ids and logins only, never a contact detail or a code.
    role = fields.CharField(max_length=16, null=True)
    bound_subject = fields.CharField(max_length=32, null=True)
    requested_by = fields.CharField(max_length=64, null=True)
    approved_by = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "security_event"
        # Auditors list them in time order, each filter a range (resolvers/audit/timeline.py).
        indexes = (
            Index(fields=("at", "id"), name="security_event_at_id"),
            Index(fields=("kind", "at", "id"), name="security_event_kind_at_id"),
            Index(fields=("actor", "at", "id"), name="security_event_actor_at_id"),
        )


class AccessLogEntry(Model):
    """P6.1: host, address, browser, OS, time, method, path, status, duration. Nothing more."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    host_name = fields.CharField(max_length=255, null=True)
    client_address = fields.CharField(max_length=64, null=True)
    browser = fields.CharField(max_length=64)
    os = fields.CharField(max_length=64)
    method = fields.CharField(max_length=8)
    path = fields.CharField(max_length=64)
    status = fields.IntField()
    duration_ms = fields.FloatField()

    class Meta:
        table = "access_log"
        # In time order, also for retention's deletes (resolvers/audit/timeline.py).
        indexes = (Index(fields=("at", "id"), name="access_log_at_id"),)
