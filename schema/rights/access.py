"""One read, use or provision of the person's data, as the person sees it (APPI art. 33,
33(5))."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from enum import StrEnum

import strawberry

from directives.policy_versions import in_force
from directives.reasons import ReasonCode, refused
from directives.usage import Use
from models import AuditEntry, ProvisionRecord
from rights.access import Event, Position, shown_login
from schema.audit.audit_event import FieldDecision, FieldUse, decisions, ground_of, uses
from schema.page import PageInfo
from schema.third_parties.provision import Ground  # the enum as Strawberry registered it

THIRD_PARTY = "THIRD_PARTY"


@strawberry.enum(description="A read or use by someone at the operator, or a provision.")
class AccessKind(StrEnum):
    READ_OR_USE = "READ_OR_USE"  # from the audit
    PROVISION = "PROVISION"  # a record of provision to a third party (APPI art. 29)


@strawberry.type(
    description="Who read, used or received your data: role, login (staff), purpose or "
    "ground, recipient, when."
)
class AccessEvent:
    at: datetime
    kind: AccessKind
    role: str = strawberry.field(description=f"The reader's role; {THIRD_PARTY} for a provision.")
    login: str | None = strawberry.field(description="For staff only.")
    purpose: str | None = strawberry.field(
        description="A-H, or SELF for your own reads; none for a provision (see ground)."
    )
    ground: Ground | None = strawberry.field(
        description="Why your data left the operator (P8), for a provision."
    )
    recipient: str | None = strawberry.field(
        description="The company or authority, for a provision."
    )
    policy_version: str
    about: str = strawberry.field(description="Customer (your record), Contact or Requester.")
    type_name: str
    fields: list[FieldDecision] = strawberry.field(description="Values returned, and how.")
    uses: list[FieldUse] = strawberry.field(
        description="Values used without being returned (searched, sorted, copied, provided)."
    )

    @classmethod
    def of(cls, event: Event) -> AccessEvent:
        if event.entry is not None:
            return cls.from_entry(event.entry)
        assert event.provision is not None
        return cls.from_provision(event.provision)

    @classmethod
    def from_entry(cls, entry: AuditEntry) -> AccessEvent:
        request = entry.request
        return cls(
            at=request.at,
            kind=AccessKind.READ_OR_USE,
            role=request.role,
            login=shown_login(request.role, request.actor),
            purpose=request.purpose,
            ground=ground_of(entry.fields_decisions),
            recipient=None,
            policy_version=request.policy_version,
            about=entry.subject_type,
            type_name=entry.type_name,
            fields=decisions(entry.fields_decisions),
            uses=uses(entry.fields_decisions),
        )

    @classmethod
    def from_provision(cls, row: ProvisionRecord) -> AccessEvent:
        return cls(
            at=row.at,
            kind=AccessKind.PROVISION,
            role=THIRD_PARTY,
            login=None,
            purpose=None,
            ground=row.ground,
            recipient=row.recipient,
            policy_version=in_force(row.at).id,
            about="Customer",
            type_name="Customer",
            fields=[],
            uses=[FieldUse(field=name, use=Use.PROVIDE) for name in row.items.split(",") if name],
        )


def encode_position(position: Position) -> str:
    return base64.urlsafe_b64encode(f"h:{position.encode()}".encode()).decode()


def decode_position(cursor: str | None) -> Position:
    if not cursor:
        return Position()
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise refused(ReasonCode.INVALID_CURSOR, "Invalid cursor.", fields=["after"]) from None
    kind, _, rest = text.partition(":")
    if kind != "h":
        raise refused(ReasonCode.INVALID_CURSOR, "Invalid cursor.", fields=["after"])
    return Position.decode(rest)


@strawberry.type
class AccessEventConnection:
    nodes: list[AccessEvent]
    page_info: PageInfo
