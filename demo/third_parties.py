"""Demo third parties (P4.2, P8): two option providers under NDA (one NDA expired), a
carrier, one exceptional disclosure approved and one refused, a past incident."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from directives import provision
from directives.incidents import assess
from directives.vocabulary import Category
from models import (
    Customer,
    Disclosure,
    Incident,
    Nda,
    NdaOption,
    Notification,
    OptionService,
    Provider,
)
from models.binding import Channel
from models.outbox import DeliveryState
from models.third_parties import (
    DisclosureStatus,
    Ground,
    IncidentKind,
    NdaStatus,
    ProviderKind,
    RefusalReason,
)
from notify.references import topic_of
from notify.templates import MessageKind

CARRIER = "サンプル運輸株式会社"
# (option code, NDA reference, categories, valid from, valid until): the SMS provider's NDA is
# in force; the CTI provider's expired at the end of June 2026, so it reaches nobody.
_NDAS = [
    ("SMS", "NDA-2026-001", [Category.NAME, Category.PHONE], date(2026, 4, 1), date(2029, 3, 31)),
    (
        "CTI",
        "NDA-2025-014",
        [Category.NAME, Category.PHONE, Category.EMAIL],
        date(2025, 4, 1),
        date(2026, 6, 30),
    ),
]


async def seed_third_parties() -> None:
    for code, reference, categories, start, end in _NDAS:
        option = await OptionService.get(code=code)
        provider, _ = await Provider.get_or_create(
            name=option.provider, defaults={"kind": ProviderKind.OPTION_PROVIDER}
        )
        nda = await Nda.create(
            provider=provider,
            reference=reference,
            categories=[c.value for c in categories],
            valid_from=start,
            valid_until=end,
            status=NdaStatus.ACTIVE,
        )
        await NdaOption.create(nda=nda, option=option)
    await Provider.create(name=CARRIER, kind=ProviderKind.CARRIER)
    people = [c.id for c in await Customer.all().order_by("id").limit(3)]
    if people:
        await _disclosures(people)
        await _incident(people)


async def _disclosures(people: list[int]) -> None:
    asked = datetime(2026, 9, 1, 10, tzinfo=UTC)
    decided = datetime(2026, 9, 2, 15, tzinfo=UTC)
    approved = await Disclosure.create(
        ground=Ground.AUTHORITY,
        requesting_party="渋谷警察署",
        party_reference="捜査関係事項照会 第2026-0815号",
        customer_ids=people[:1],
        field_names=["name", "address", "phone"],
        consent_sought=False,
        requested_by="demo-support",
        requested_at=asked,
        status=DisclosureStatus.APPROVED,
        decided_by="demo-admin",
        decided_at=decided,
    )
    await provision.seed(
        [
            provision.record(
                at=decided,
                recipient=approved.requesting_party,
                provider_id=None,
                customer_id=people[0],
                items=approved.field_names,
                ground=Ground.AUTHORITY,
                source=f"disclosure:{approved.id}",
            )
        ]
    )
    await Disclosure.create(
        ground=Ground.PAYMENT_INSTITUTION,
        requesting_party="サンプル決済株式会社",
        party_reference="照会 2026-77",
        customer_ids=people[1:],
        field_names=["name", "accountNumber"],
        consent_sought=False,
        requested_by="demo-support",
        requested_at=asked,
        status=DisclosureStatus.REFUSED,
        decided_by="demo-admin",
        decided_at=decided,
        refusal_reason=RefusalReason.IMPROPER_PROCEDURE,
    )


async def _incident(people: list[int]) -> None:
    """A carrier lost a page of a delivery manifest in August 2026: three persons' names,
    addresses and phone numbers; not reportable, the persons notified."""
    found = datetime(2026, 8, 20, 9, tzinfo=UTC)
    verdict = assess(
        found_on=found.date(),
        persons=len(people),
        categories=[Category.NAME, Category.ADDRESS, Category.PHONE],
        sensitive=False,
        financial_harm=False,
        wrongful_intent=False,
    )
    incident = await Incident.create(
        kind=IncidentKind.LOSS,
        found_at=found,
        window_from=datetime(2026, 8, 18, tzinfo=UTC),
        window_until=datetime(2026, 8, 19, tzinfo=UTC),
        actor="demo-billing",
        affected_fields=["address", "name", "phone"],
        affected_customer_ids=people,
        sensitive=False,
        financial_harm=verdict.financial_harm,
        wrongful_intent=False,
        reportable=verdict.reportable,
        preliminary_due=verdict.preliminary_due,
        final_due=verdict.final_due,
        recorded_by="demo-admin",
        notices_sent=len(people),
        notices_sent_at=datetime(2026, 8, 21, 10, tzinfo=UTC),
    )
    # The notices as the outbox left them: sent, nothing sealed (rendered from the topic).
    sent = datetime(2026, 8, 21, 10, 5, tzinfo=UTC)
    await Notification.bulk_create(
        [
            Notification(
                kind=MessageKind.LEAK_INCIDENT.value,
                channel=Channel.EMAIL,
                recipient_type="customer",
                recipient_id=person,
                topic=topic_of("incident", incident.id),
                sealed="",
                state=DeliveryState.SENT,
                attempts=1,
                created_at=sent - timedelta(minutes=5),
                next_attempt_at=sent - timedelta(minutes=5),
                sent_at=sent,
            )
            for person in people
        ]
    )
