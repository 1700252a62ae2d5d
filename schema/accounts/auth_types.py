"""Types of the login flow and of account self-service. No personal values in any of them."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

import schema.accounts.account  # registers Stage and Reminder as GraphQL enums first
import schema.accounts.binding  # noqa: F401 - registers Activation and the binding enums
from models import AccessLogEntry, Activation, ApiToken, SecurityEvent, Session, Stage
from schema.page import Counted, PageInfo


@strawberry.enum(description="How the client keeps its session.")
class ClientKind(Enum):
    BROWSER = "BROWSER"  # HttpOnly SameSite=Strict cookie, plus a CSRF token for the header
    TOKEN = "TOKEN"  # bearer token in the response, for dashboards and scripts


@strawberry.type(description="The outcome of a login step: the next stage and its session.")
class LoginResult:
    stage: Stage
    expires_at: datetime
    token: str | None = strawberry.field(description="Bearer token (TOKEN clients only).")
    csrf_token: str | None = strawberry.field(
        description="Send as X-CSRF-Token with cookie-authenticated requests (BROWSER)."
    )


@strawberry.type(description="Scan the QR code, then confirm with a first code.")
class TotpEnrolment:
    otpauth_uri: str
    qr_svg: str


@strawberry.type
class TotpConfirmation:
    recovery_codes: list[str] = strawberry.field(description="Shown once; keep them safe.")
    login: LoginResult | None = strawberry.field(description="Set when this ends a login.")


@strawberry.type
class SessionInfo:
    id: strawberry.ID
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    browser: bool
    current: bool

    @classmethod
    def from_model(cls, row: Session, *, current_id: int | None) -> SessionInfo:
        return cls(
            id=strawberry.ID(str(row.id)),
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            expires_at=row.expires_at,
            browser=row.browser,
            current=row.id == current_id,
        )


@strawberry.type
class ApiTokenInfo:
    name: str
    role: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked: bool

    @classmethod
    def from_model(cls, row: ApiToken) -> ApiTokenInfo:
        return cls(
            name=row.name,
            role=row.role,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
            revoked=row.revoked_at is not None,
        )


@strawberry.type(description="Shown once.")
class NewApiToken:
    name: str
    token: str


@strawberry.type(description="A security event (ASVS V16).")
class SecurityEventInfo:
    id: strawberry.ID
    at: datetime
    kind: str
    actor: str
    client_address: str | None
    detail: str
    role: str | None = strawberry.field(description="Identity binding: the login's role.")
    bound_subject: str | None = strawberry.field(description="Identity binding: 'customer:12'.")
    requested_by: str | None
    approved_by: str | None

    @classmethod
    def from_model(cls, row: SecurityEvent) -> SecurityEventInfo:
        return cls(
            id=strawberry.ID(str(row.id)),
            at=row.at,
            kind=row.kind,
            actor=row.actor,
            client_address=row.client_address,
            detail=row.detail,
            role=row.role,
            bound_subject=row.bound_subject,
            requested_by=row.requested_by,
            approved_by=row.approved_by,
        )


@strawberry.type(description="One HTTP request (P6.1): no personal information in it.")
class AccessLogInfo:
    id: strawberry.ID
    at: datetime
    host_name: str | None
    client_address: str | None
    browser: str
    os: str
    method: str
    path: str
    status: int
    duration_ms: float

    @classmethod
    def from_model(cls, row: AccessLogEntry) -> AccessLogInfo:
        return cls(
            id=strawberry.ID(str(row.id)),
            at=row.at,
            host_name=row.host_name,
            client_address=row.client_address,
            browser=row.browser,
            os=row.os,
            method=row.method,
            path=row.path,
            status=row.status,
            duration_ms=row.duration_ms,
        )


@strawberry.type
class SecurityEventConnection(Counted):
    nodes: list[SecurityEventInfo]
    page_info: PageInfo


@strawberry.type
class AccessLogConnection(Counted):
    nodes: list[AccessLogInfo]
    page_info: PageInfo


@strawberry.type(
    description="A new account. Staff: its first password, shown once, to be changed at first "
    "login. A customer or agent: no password at all - another administrator approves the "
    "binding, and the person activates the login with a code sent to them."
)
class NewAccount:
    login: str
    initial_password: str | None
    activation: Activation
