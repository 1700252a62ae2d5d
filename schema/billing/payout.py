"""A payout of an agent's margin to its bank account (P5.E), as the account was then."""

from __future__ import annotations

from datetime import date

import strawberry

from directives.personal import personal
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category, Purpose
from models import Payout as PayoutRow

MARGINS = frozenset({Purpose.E})  # an agent's bank account is used to pay margins alone


@strawberry.type(description="A transfer of a margin statement to the agent's bank account.")
class Payout:
    id: strawberry.ID
    amount: int = strawberry.field(description="Yen.")
    paid_on: date
    bank_name: str | None = personal(Category.BANK_ACCOUNT_HOLDER, purposes=MARGINS)
    bank_branch: str | None = personal(Category.BANK_ACCOUNT_HOLDER, purposes=MARGINS)
    account_type: str
    account_number: str | None = personal(Category.BANK_ACCOUNT_NUMBER, purposes=MARGINS)
    account_holder: str | None = personal(Category.BANK_ACCOUNT_HOLDER, purposes=MARGINS)
    agent_id: strawberry.Private[int]

    def privacy_subject(self) -> Subject:
        return Subject(SubjectKind.AGENT, self.agent_id)

    @classmethod
    def from_model(cls, row: PayoutRow) -> Payout:
        return cls(
            id=strawberry.ID(str(row.id)),
            amount=row.amount,
            paid_on=row.paid_on,
            bank_name=row.bank_name,
            bank_branch=row.bank_branch,
            account_type=row.account_type,
            account_number=row.account_number,
            account_holder=row.account_holder,
            agent_id=row.agent_id,
        )
