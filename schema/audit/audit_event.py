"""Audit events as auditors read them: one per resolved object, with per-field decisions."""

from __future__ import annotations

from datetime import datetime

import strawberry

from directives.usage import AGGREGATE_SUBJECTS, GROUND, Use
from directives.vocabulary import Decision
from models import AuditEntry, AuditRequest
from schema.page import Counted, PageInfo
from schema.third_parties.provision import Ground

USES = frozenset(Use.__members__)


@strawberry.type
class FieldDecision:
    field: str
    decision: Decision


strawberry.enum(Use, description="How an operation used a personal value it did not return.")


@strawberry.type(
    description="A personal field used rather than returned (or, for a group, "
    "the field a dimension derives from)."
)
class FieldUse:
    field: str
    use: Use


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
    uses: list[FieldUse]
    ground: Ground | None = strawberry.field(
        description="For values provided to a third party (uses PROVIDE): the ground (P8)."
    )
    subject_count: int = strawberry.field(
        description="1 for one subject; for a group use (subjectId 0), how many it counted."
    )

    @classmethod
    def from_model(cls, entry: AuditEntry, request: AuditRequest) -> AuditEvent:
        pairs = _pairs(entry.fields_decisions)
        counts = [int(v) for name, _, v in pairs if name == AGGREGATE_SUBJECTS]
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
            fields=decisions(entry.fields_decisions),
            uses=uses(entry.fields_decisions),
            ground=ground_of(entry.fields_decisions),
            subject_count=counts[0] if counts else 1,
        )


def _pairs(packed: str) -> list[tuple[str, str, str]]:
    return [p.partition(":") for p in packed.split(",") if p]


def ground_of(packed: str) -> Ground | None:
    """The `#ground:` pair of a provision's entry (`directives.provision`), if any."""
    grounds = [value for name, _, value in _pairs(packed) if name == GROUND]
    return Ground(grounds[0]) if grounds else None


def decisions(packed: str) -> list[FieldDecision]:
    """An entry's ``field:DECISION`` pairs: what was returned, and how."""
    return [
        FieldDecision(field=name, decision=Decision(value))
        for name, _, value in _pairs(packed)
        if value in Decision.__members__
    ]


def uses(packed: str) -> list[FieldUse]:
    """An entry's ``field:USE`` pairs: values used (filtered, sorted, grouped, copied)."""
    return [
        FieldUse(field=name, use=Use(value)) for name, _, value in _pairs(packed) if value in USES
    ]


@strawberry.input
class AuditFilter:
    subject_type: str | None = None
    subject_id: strawberry.ID | None = None
    actor: str | None = None
    purpose: str | None = strawberry.field(default=None, description="A-H or SELF.")
    since: datetime | None = None
    until: datetime | None = None


@strawberry.type
class AuditEventConnection(Counted):
    nodes: list[AuditEvent]
    page_info: PageInfo
