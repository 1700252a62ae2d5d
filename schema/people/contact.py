"""A customer company's contact without a user ID (P7.2), kept through the ID holder."""

from __future__ import annotations

import strawberry

from directives.personal import personal
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category
from models import Contact as ContactRow


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
        )
