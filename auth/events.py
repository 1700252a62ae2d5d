"""Security events (ASVS V16): UTC time, kind, actor, address; no credentials, no values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from directives.context import Caller
from models import AccountBinding, SecurityEvent


class Kind(StrEnum):
    LOGIN_SUCCESS = "LOGIN_SUCCESS"
    LOGIN_FAILURE = "LOGIN_FAILURE"
    LOCKOUT = "LOCKOUT"
    TOTP_FAILURE = "TOTP_FAILURE"
    TOTP_REPLAY = "TOTP_REPLAY"
    TOTP_ENROLLED = "TOTP_ENROLLED"
    TOTP_RESET = "TOTP_RESET"
    RECOVERY_CODE_USED = "RECOVERY_CODE_USED"
    PASSWORD_CHANGE = "PASSWORD_CHANGE"
    SESSION_REVOKED = "SESSION_REVOKED"
    API_TOKEN_CREATED = "API_TOKEN_CREATED"
    API_TOKEN_REVOKED = "API_TOKEN_REVOKED"
    ACCOUNT_DISABLED = "ACCOUNT_DISABLED"
    ACCOUNT_ENABLED = "ACCOUNT_ENABLED"
    COMPROMISE_FLAGGED = "COMPROMISE_FLAGGED"
    ACCOUNT_CREATED = "ACCOUNT_CREATED"
    AUTHORIZATION_FAILURE = "AUTHORIZATION_FAILURE"
    BINDING_REQUESTED = "BINDING_REQUESTED"
    BINDING_APPROVED = "BINDING_APPROVED"
    ACCOUNT_ACTIVATED = "ACCOUNT_ACTIVATED"
    ACTIVATION_FAILURE = "ACTIVATION_FAILURE"
    CREDENTIAL_RESET_REQUESTED = "CREDENTIAL_RESET_REQUESTED"
    CREDENTIAL_RESET_APPROVED = "CREDENTIAL_RESET_APPROVED"


_UNSAFE = re.compile(r"[^\w.@:-]")  # no control characters, newlines or markup in a log line


def clean(value: str | None, limit: int = 64) -> str:
    return _UNSAFE.sub("_", value or "-")[:limit] or "-"


async def record(
    kind: Kind,
    *,
    actor: str | None,
    account_id: int | None,
    client_address: str | None,
    detail: str = "",
    binding: Binding | None = None,
) -> None:
    """`actor` must be an existing login ID or None: a mistyped ID may be a password."""
    await SecurityEvent.create(
        at=datetime.now(UTC),
        kind=kind.value,
        actor=clean(actor),
        account_id=account_id,
        client_address=clean(client_address),
        detail=clean(detail) if detail else "",
        role=binding.role if binding else None,
        bound_subject=clean(binding.subject, 32) if binding else None,
        requested_by=clean(binding.requested_by) if binding else None,
        approved_by=clean(binding.approved_by) if binding and binding.approved_by else None,
    )


@dataclass(frozen=True, slots=True)
class Binding:
    """What an identity-binding event names: the role, the person ('customer:12'), and the
    administrators who requested and approved it."""

    role: str
    subject: str
    requested_by: str
    approved_by: str | None = None

    @classmethod
    def of(cls, row: AccountBinding) -> Binding:
        return cls(
            role=row.role,
            subject=f"{row.subject_type}:{row.subject_id}",
            requested_by=row.requested_by,
            approved_by=row.approved_by,
        )


# Refusals worth a security event; purpose mistakes (missing, unknown) are client errors.
_LOGGED_REFUSALS = frozenset(
    {
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "PURPOSE_FORBIDDEN",
        "INTROSPECTION_FORBIDDEN",
        "LOGIN_STEP_REQUIRED",
    }
)


class DatabaseSecurityLog:
    """The guard's and permission classes' refusals, as AUTHORIZATION_FAILURE events."""

    def __init__(self, client_address: str | None) -> None:
        self.client_address = client_address

    async def refused(self, caller: Caller | None, code: str) -> None:
        if code in _LOGGED_REFUSALS:
            await record(
                Kind.AUTHORIZATION_FAILURE,
                actor=caller.login if caller else None,
                account_id=caller.account_id if caller else None,
                client_address=self.client_address,
                detail=code,
            )
