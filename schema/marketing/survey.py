"""Questionnaires (P5.G) and their responses; respondents are customers, enforced as such."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from models import Survey as SurveyRow
from models import SurveyResponse as SurveyResponseRow
from schema.context import Context
from schema.people.customer import Customer, load_customer


@strawberry.type(description="A questionnaire; each question is answered on a 1-5 scale.")
class Survey:
    id: strawberry.ID
    title: str
    questions: list[str]
    opens_on: date
    closes_on: date
    response_count: int

    @classmethod
    def from_model(cls, row: SurveyRow, response_count: int) -> Survey:
        return cls(
            id=strawberry.ID(str(row.id)),
            title=row.title,
            questions=list(row.questions),
            opens_on=row.opens_on,
            closes_on=row.closes_on,
            response_count=response_count,
        )


@strawberry.type(description="One customer's answers to a questionnaire.")
class SurveyResponse:
    id: strawberry.ID
    answers: list[int]
    answered_at: datetime
    customer_id: strawberry.Private[int]

    @strawberry.field(description="The respondent, if in your scope.")
    async def customer(self, info: strawberry.Info[Context, None]) -> Customer | None:
        return await load_customer(info, self.customer_id)

    @classmethod
    def from_model(cls, row: SurveyResponseRow) -> SurveyResponse:
        return cls(
            id=strawberry.ID(str(row.id)),
            answers=list(row.answers),
            answered_at=row.answered_at,
            customer_id=row.customer_id,
        )
