"""What the enforcement point needs to know about one request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from directives.audit import AuditBuffer, AuditStore
from directives.vocabulary import Category, Purpose, Role
from models.security import Stage

STAFF_ROLES: frozenset[Role] = frozenset(
    {Role.SUPPORT, Role.BILLING, Role.MARKETING, Role.ANALYST, Role.ADMIN, Role.AUDITOR}
)


@dataclass(frozen=True, slots=True, eq=False)
class PartnerReach:
    """What an option provider's staff reach today (P8.1): each customer subscribed to an
    option covered by one of the provider's valid NDAs, with the categories those NDAs name.
    Read on every request, so an NDA that expires or ends stops access at once."""

    provider_id: int
    provider_name: str
    customers: Mapping[int, frozenset[Category]]


@dataclass(frozen=True, slots=True)
class Caller:
    account_id: int
    login: str
    role: Role
    customer_id: int | None = None
    agent_id: int | None = None
    stage: Stage = Stage.FULL  # only FULL may use the API beyond the login steps
    session_id: int | None = None  # None for API tokens
    partner: PartnerReach | None = None  # for PARTNER accounts only

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class SecurityLog(Protocol):
    """Where refusals are recorded as security events (ASVS 16.3.2); see auth.events."""

    async def refused(self, caller: Caller | None, code: str) -> None: ...


class NoSecurityLog:
    async def refused(self, caller: Caller | None, code: str) -> None:
        return None


@dataclass(slots=True)
class PrivacyContext:
    """Per-request privacy state. `purpose` is set by the guard before anything resolves."""

    caller: Caller | None
    request_id: str
    audit_store: AuditStore
    client_address: str | None = None
    header_purpose: str | None = None
    purpose: Purpose | None = None
    named_use: str | None = None  # a use outside A-H declared with the purpose (P5)
    operation_name: str | None = None
    audit: AuditBuffer = field(default_factory=AuditBuffer)
    plans: dict[Any, Any] = field(default_factory=dict)  # enforcement's per-request decisions
    security_log: SecurityLog = field(default_factory=NoSecurityLog)
    # A caller checked lately, not yet looked up again (auth.recent): True once the lookup
    # made during this request gives the same caller. The guard waits for it before anything
    # but a query that only reads runs, before it records a refusal, and before the audit is
    # written.
    confirm_caller: Callable[[], Awaitable[bool]] | None = None
    # Set by the guard when a query's audit may be written before its end
    # (directives.early_audit): how many enforced fields are still to run, and what starts the
    # write after the last of them (an awaitable to wait for its dispatch, or None).
    sites_left: int = 0
    early_audit: Callable[[], Awaitable[None] | None] | None = None
