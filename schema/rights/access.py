"""One read or use of the person's data, as the person sees it (APPI art. 33)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import AuditEntry
from rights.access import shown_login
from schema.audit.audit_event import FieldDecision, FieldUse, decisions, uses
from schema.page import Connection


@strawberry.type(description="Who read or used your data: role, login (staff), purpose, when.")
class AccessEvent:
    at: datetime
    role: str
    login: str | None = strawberry.field(description="For staff only.")
    purpose: str = strawberry.field(description="A-H, or SELF for your own reads.")
    policy_version: str
    about: str = strawberry.field(description="Customer (your record) or Contact.")
    type_name: str
    fields: list[FieldDecision] = strawberry.field(description="Values returned, and how.")
    uses: list[FieldUse] = strawberry.field(
        description="Values used without being returned (searched, sorted, copied)."
    )

    @classmethod
    def from_model(cls, entry: AuditEntry) -> AccessEvent:
        request = entry.request
        return cls(
            at=request.at,
            role=request.role,
            login=shown_login(request.role, request.actor),
            purpose=request.purpose,
            policy_version=request.policy_version,
            about=entry.subject_type,
            type_name=entry.type_name,
            fields=decisions(entry.fields_decisions),
            uses=uses(entry.fields_decisions),
        )


@strawberry.type
class AccessEventConnection(Connection[AccessEvent]):
    """A page of your access history."""
