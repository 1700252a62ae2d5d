"""The policy's versions (P11) and the privacy contact window (P3.5): public, about nobody."""

from __future__ import annotations

from datetime import date

import strawberry

from directives.policy_versions import PolicyVersion as VersionRow
from directives.policy_versions import PrivacyContact as ContactRow


@strawberry.type(description="One version of the privacy policy (P11).")
class PolicyVersion:
    id: str
    effective_on: date = strawberry.field(description="In force from 00:00 Japan time.")
    notes: str
    editorial: bool = strawberry.field(
        description="Wording only: not posted in the change log (P11)."
    )
    reconsent: list[str] = strawberry.field(
        description="Named uses whose consent this version asks for again."
    )

    @classmethod
    def from_row(cls, row: VersionRow) -> PolicyVersion:
        return cls(
            id=row.id,
            effective_on=row.effective_on,
            notes=row.notes,
            editorial=row.editorial,
            reconsent=sorted(row.reconsent),
        )


@strawberry.type(description="Where to send questions about personal information (P3.5).")
class PrivacyContact:
    email: str
    phone: str

    @classmethod
    def from_row(cls, row: ContactRow) -> PrivacyContact:
        return cls(email=row.email, phone=row.phone)
