"""Audit events as auditors read them: one per resolved object, with per-field decisions."""

from __future__ import annotations

from datetime import datetime

import strawberry

from directives.vocabulary import Decision
from models import AuditEntry, AuditRequest
from schema.page import PageInfo


@strawberry.type
class FieldDecision:
    field: str
    decision: Decision


@strawberry.type(description="Personal fields of one subject resolved by one request.")
class AuditEvent:
    id: strawberry.ID
    at: datetime
    request_id: str
    actor: str
    role: str
    purpose: str = strawberry.field(description="A-H, or SELF for P7.1 self-service.")
    operation_name: str | None
    client_address: str | None
    policy_version: str
    subject_type: str
    subject_id: strawberry.ID
    type_name: str
    fields: list[FieldDecision]

    @classmethod
    def from_model(cls, entry: AuditEntry, request: AuditRequest) -> AuditEvent:
        return cls(
            id=strawberry.ID(str(entry.id)),
            at=request.at,
            request_id=request.request_id,
            actor=request.actor,
            role=request.role,
            purpose=request.purpose,
            operation_name=request.operation_name,
            client_address=request.client_address,
            policy_version=request.policy_version,
            subject_type=entry.subject_type,
            subject_id=strawberry.ID(str(entry.subject_id)),
            type_name=entry.type_name,
            fields=[
                FieldDecision(field=name, decision=Decision(decision))
                for name, _, decision in (
                    pair.partition(":") for pair in entry.fields_decisions.split(",") if pair
                )
            ],
        )


@strawberry.input
class AuditFilter:
    subject_type: str | None = None
    subject_id: strawberry.ID | None = None
    actor: str | None = None
    purpose: str | None = strawberry.field(default=None, description="A-H or SELF.")
    since: datetime | None = None
    until: datetime | None = None


@strawberry.type
class AuditEventConnection:
    nodes: list[AuditEvent]
    page_info: PageInfo
