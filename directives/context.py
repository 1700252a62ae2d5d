"""What the enforcement point needs to know about one request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from directives.audit import AuditBuffer, AuditStore
from directives.vocabulary import Purpose, Role

STAFF_ROLES: frozenset[Role] = frozenset(
    {Role.SUPPORT, Role.BILLING, Role.MARKETING, Role.ANALYST, Role.ADMIN, Role.AUDITOR}
)


@dataclass(frozen=True, slots=True)
class Caller:
    account_id: int
    login: str
    role: Role
    customer_id: int | None = None
    agent_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


@dataclass(slots=True)
class PrivacyContext:
    """Per-request privacy state. `purpose` is set by the guard before anything resolves."""

    caller: Caller | None
    request_id: str
    audit_store: AuditStore
    client_address: str | None = None
    header_purpose: str | None = None
    purpose: Purpose | None = None
    operation_name: str | None = None
    audit: AuditBuffer = field(default_factory=AuditBuffer)
    plans: dict[Any, Any] = field(default_factory=dict)  # enforcement's per-request decisions
