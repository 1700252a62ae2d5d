"""The Agent type: a sales agent who brings customers in and is paid margins."""

from __future__ import annotations

import strawberry

from directives.personal import personal
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category
from models import Agent as AgentRow


@strawberry.type(description="A sales agent (P5.E: paid margins to its bank account).")
class Agent:
    id: strawberry.ID
    code: str
    name: str | None = personal(Category.NAME)
    phone: str | None = personal(Category.PHONE)
    email: str | None = personal(Category.EMAIL)
    bank_name: str | None = personal(Category.BANK_ACCOUNT_HOLDER)
    bank_branch: str | None = personal(Category.BANK_ACCOUNT_HOLDER)
    account_type: str
    account_number: str | None = personal(Category.BANK_ACCOUNT_NUMBER)
    account_holder: str | None = personal(Category.BANK_ACCOUNT_HOLDER)
    row_id: strawberry.Private[int]

    def privacy_subject(self) -> Subject:
        return Subject(SubjectKind.AGENT, self.row_id)

    @classmethod
    def from_model(cls, row: AgentRow) -> Agent:
        return cls(
            id=strawberry.ID(str(row.id)),
            code=row.code,
            name=row.name,
            phone=row.phone,
            email=row.email,
            bank_name=row.bank_name,
            bank_branch=row.bank_branch,
            account_type=row.account_type,
            account_number=row.account_number,
            account_holder=row.account_holder,
            row_id=row.id,
        )
