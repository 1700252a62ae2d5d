"""A leak, loss or damage incident (APPI art. 26): ids and field names, never values."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from directives.notices import NoticeProgress
from models import Incident as IncidentRow
from models.third_parties import IncidentKind
from schema.third_parties.notice_state import NoticeState

strawberry.enum(IncidentKind, description="Leak (漏えい), loss (滅失) or damage (毀損).")


@strawberry.input(description="What an administrator knows when an incident is found.")
class IncidentReport:
    kind: IncidentKind
    found_at: datetime
    actor: str = strawberry.field(description="The account whose reads went astray.")
    window_from: datetime
    window_until: datetime
    sensitive: bool = strawberry.field(description="Sensitive data (要配慮個人情報) involved.")
    financial_harm: bool = strawberry.field(description="Financial harm may follow.")
    wrongful_intent: bool = strawberry.field(description="Done with wrongful intent.")


@strawberry.type(description="A leak incident (APPI art. 26) and its deadlines.")
class Incident:
    id: strawberry.ID
    kind: IncidentKind
    found_at: datetime
    actor: str
    window_from: datetime
    window_until: datetime
    affected_fields: list[str]
    affected_customer_ids: list[strawberry.ID]
    affected_count: int
    sensitive: bool
    financial_harm: bool
    wrongful_intent: bool
    reportable: bool = strawberry.field(
        description="Sensitive data, financial harm, wrongful intent or more than 1,000 persons."
    )
    preliminary_due: date = strawberry.field(description="Preliminary report (about 3-5 days).")
    final_due: date = strawberry.field(description="Final report: 30 days, 60 if wrongful.")
    notices_sent: int = strawberry.field(description="Notices queued in the outbox so far.")
    notices_sent_at: datetime | None = strawberry.field(description="When they were queued.")
    notices: NoticeState = strawberry.field(description="How the outbox is doing with them.")

    @classmethod
    def from_model(cls, row: IncidentRow, notices: NoticeProgress) -> Incident:
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=row.kind,
            found_at=row.found_at,
            actor=row.actor,
            window_from=row.window_from,
            window_until=row.window_until,
            affected_fields=list(row.affected_fields),
            affected_customer_ids=[strawberry.ID(str(i)) for i in row.affected_customer_ids],
            affected_count=len(row.affected_customer_ids),
            sensitive=row.sensitive,
            financial_harm=row.financial_harm,
            wrongful_intent=row.wrongful_intent,
            reportable=row.reportable,
            preliminary_due=row.preliminary_due,
            final_due=row.final_due,
            notices_sent=row.notices_sent,
            notices_sent_at=row.notices_sent_at,
            notices=NoticeState.from_progress(notices),
        )
