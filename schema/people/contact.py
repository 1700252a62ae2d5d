"""A customer company's contact without a user ID (P7.2), kept through the ID holder."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from directives.personal import personal
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category
from models import Contact as ContactRow
from models.people import Actor
from rights.history import CONTACT_COLUMNS, Past, snapshot, versions
from schema.people.history import ContactVersion


@strawberry.type(description="Staff of a customer company who act through its user ID (P7.2).")
class Contact:
    id: strawberry.ID
    name: str | None = personal(Category.NAME)
    department: str | None = personal(Category.FREE_TEXT)
    phone: str | None = personal(Category.PHONE)
    email: str | None = personal(Category.EMAIL)
    version: int
    row_id: strawberry.Private[int]
    customer_id: strawberry.Private[int]
    holder: strawberry.Private[Subject]  # the ID holder: its agent and its consent (P5)
    # The stored values (never masked: the versions are enforced on their own) and past states.
    stored: strawberry.Private[dict[str, Any]]
    past: strawberry.Private[list[dict[str, Any]]]
    created_at: strawberry.Private[datetime]

    # The stored `history` column is a snapshot and never leaves whole: this field lays it out
    # version by version, each value under its own category, enforced like the current ones.
    @strawberry.field(
        name="history", description="Every version, oldest first, the current one last (P3.4)."
    )
    def versions(self) -> list[ContactVersion]:
        laid = versions(
            current=self.stored,
            number=self.version,
            created_at=self.created_at,
            past=[_past(entry) for entry in self.past],
        )
        subject = self.privacy_subject()
        return [ContactVersion.build(v, subject=subject) for v in laid]

    def privacy_subject(self) -> Subject:
        return Subject(
            SubjectKind.CONTACT,
            self.row_id,
            agent_id=self.holder.agent_id,
            consent_withdrawn=self.holder.consent_withdrawn,
            customer_id=self.customer_id,
        )

    @classmethod
    def from_model(cls, row: ContactRow, *, holder: Subject) -> Contact:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            department=row.department,
            phone=row.phone,
            email=row.email,
            version=row.version,
            row_id=row.id,
            customer_id=row.customer_id,
            holder=holder,
            stored=snapshot(row, CONTACT_COLUMNS),
            past=list(row.history),
            created_at=row.created_at,
        )


def _past(entry: dict[str, Any]) -> Past:
    """A stored entry; those written before P3.4 was served lack when and by whom."""
    at = entry.get("at")
    actor = entry.get("actor")
    return Past(
        number=int(entry["version"]),
        values=entry["values"],
        changed_by=entry.get("by"),
        actor=Actor(actor) if actor else None,
        changed_at=datetime.fromisoformat(at) if at else None,
        contact_id=entry.get("contact"),
    )
