"""The incident register (APPI art. 26): the persons and fields affected are found from the
audit — what the actor received in clear or copied within the window —, the verdict from
`directives.incidents`; the notices to the persons go through the outbox."""

from __future__ import annotations

from datetime import timedelta

import strawberry

from directives.audit import utc_now
from directives.incidents import assess
from directives.index import PersonalIndex
from directives.reasons import ReasonCode, refused
from directives.scope import SubjectKind
from directives.vocabulary import Category
from models import AuditEntry
from models import Incident as IncidentRow
from notify.notices import progress
from notify.references import topic_of
from notify.templates import MessageKind
from resolvers.scope import not_found
from resolvers.third_parties.transfer import notices_of
from schema.context import Info, caller_of
from schema.page import parse_row_id
from schema.third_parties.incident import Incident, IncidentReport

NOTICE_KIND = MessageKind.LEAK_INCIDENT
MAX_WINDOW = timedelta(days=366)
# What left in full (returned clear, copied, handed to a third party); masked values showed
# no more than the mask.
LEAKED = ("CLEAR", "COPY", "PROVIDE")


async def affected(actor: str, report: IncidentReport) -> tuple[list[int], list[str]]:
    """Customers and field names the actor received in full within the window."""
    rows = await AuditEntry.filter(
        request__actor=actor,
        request__at__gte=report.window_from,
        request__at__lte=report.window_until,
        subject_type=SubjectKind.CUSTOMER.value,
    ).values_list("subject_id", "fields_decisions")
    persons, names = set(), set()
    for subject_id, code in rows:
        got = {n for n, _, d in (p.partition(":") for p in str(code).split(",")) if d in LEAKED}
        if got:
            persons.add(int(subject_id))
            names |= got
    return sorted(persons), sorted(names)


async def shown(row: IncidentRow) -> Incident:
    return Incident.from_model(row, await progress(topic_of("incident", row.id)))


def _categories(index: PersonalIndex, names: list[str]) -> set[Category]:
    fields = index.fields_of("Customer")
    return {fields[n].category for n in names if n in fields}


@strawberry.type
class IncidentMutation:
    @strawberry.mutation(
        description="Record a leak incident: the persons and fields affected are read from "
        "the audit (what the actor received within the window); whether it must be "
        "reported and by when is computed (APPI art. 26)."
    )
    async def record_incident(self, info: Info, report: IncidentReport) -> Incident:
        if not report.window_from < report.window_until <= report.window_from + MAX_WINDOW:
            raise refused(
                ReasonCode.INVALID_VALUE,
                "The window must be 1 second to 366 days.",
                fields=["windowFrom", "windowUntil"],
            )
        actor = report.actor.strip()[:64]
        persons, names = await affected(actor, report)
        index = info.schema.personal_index  # type: ignore[attr-defined]
        verdict = assess(
            found_on=report.found_at.date(),
            persons=len(persons),
            categories=_categories(index, names),
            sensitive=report.sensitive,
            financial_harm=report.financial_harm,
            wrongful_intent=report.wrongful_intent,
        )
        row = await IncidentRow.create(
            kind=report.kind,
            found_at=report.found_at,
            window_from=report.window_from,
            window_until=report.window_until,
            actor=actor,
            affected_fields=names,
            affected_customer_ids=persons,
            sensitive=report.sensitive,
            financial_harm=verdict.financial_harm,
            wrongful_intent=report.wrongful_intent,
            reportable=verdict.reportable,
            preliminary_due=verdict.preliminary_due,
            final_due=verdict.final_due,
            recorded_by=caller_of(info).login,
        )
        return await shown(row)

    @strawberry.mutation(
        description="Queue a notice in the outbox for each affected person who has none yet, "
        "and again for those whose notice failed (calling again resumes an interrupted run)."
    )
    async def notify_incident_persons(self, info: Info, id: strawberry.ID) -> Incident:
        row = await IncidentRow.get_or_none(id=parse_row_id(id))
        if row is None:
            raise not_found("incident")
        notices, now = notices_of(info), utc_now()
        topic = topic_of("incident", row.id)
        queued = await notices.to_customers(
            topic, row.affected_customer_ids, NOTICE_KIND.value, now=now
        )
        await IncidentRow.filter(id=row.id).update(
            notices_sent=row.notices_sent + queued, notices_sent_at=now
        )
        return await shown(await IncidentRow.get(id=row.id))
