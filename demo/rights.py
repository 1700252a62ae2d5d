"""Demo records of the person's rights: consent records with history (P5), a named use,
former customers with cancelled contracts (some old enough to purge, one under a legal hold),
and disclosure requests in each fee state (P7.3). Every step calls the business functions
the mutations call; dates are fixed, so the same seed gives the same data."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from faker import Faker

from directives.vocabulary import Purpose
from models import Customer, Payment
from models.contracts import Plan
from models.rights import ConsentChannel, IdDocument, RequestKind
from resolvers.billing.rules import addressed_to, monthly_invoice, monthly_lines
from resolvers.sales.rules import new_contract
from rights.consent import Recorder, define_named_use, record_consent
from rights.requests import IdentityCheck, pay_fee_in_cash, take_request
from rights.retention import cancel_contract, place_legal_hold

OPERATOR = Recorder(login="demo-admin", role="ADMIN")
SUPPORT = "demo-support"
SEMINAR = "partner-seminar"
_CHANNELS = list(ConsentChannel)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def seed_consents(customers: list[Customer], rng: random.Random) -> None:
    """Records for every opt-out the demo customers have, and histories for a few: granted,
    withdrawn, granted again; a named use some consented to."""
    for customer in customers:
        for use, flag in (("G", customer.survey_opt_out), ("H", customer.marketing_opt_out)):
            if flag:
                by = Recorder(login=f"customer-{customer.id}", role="CUSTOMER")
                day = date(2026, 5, 1) + timedelta(days=rng.randrange(150))
                await record_consent(
                    customer_id=customer.id,
                    use=use,
                    granted=False,
                    channel=rng.choice(_CHANNELS),
                    by=by,
                    at=_at(day),
                )
    await define_named_use(
        code=SEMINAR,
        base=Purpose.H,
        description="Invitations to seminars held with partner companies",
        notice_text="提携企業と共催するセミナーのご案内をお送りします。いつでも撤回できます。",
        by=OPERATOR,
        at=_at(date(2026, 6, 1)),
    )
    for n, customer in enumerate(customers[:40]):
        by = Recorder(login=f"customer-{customer.id}", role="CUSTOMER")
        steps = [True, False, True][: 1 + n % 3]  # granted; withdrawn; granted again
        for k, granted in enumerate(steps):
            await record_consent(
                customer_id=customer.id,
                use=SEMINAR,
                granted=granted,
                channel=ConsentChannel.WEB,
                by=by,
                at=_at(date(2026, 6, 2) + timedelta(days=30 * k + n)),
            )


async def _former(fake: Faker, *, started: date, cancelled: date, invoiced_months: int) -> Customer:
    """A customer whose only contract is cancelled, invoiced (and paid) for its last months."""
    customer = await Customer.create(
        name=fake.name(),
        name_kana=fake.kana_name(),
        postal_code=fake.zipcode(),
        address=fake.address(),
        phone=fake.phone_number(),
        email=fake.email(),
    )
    contract = new_contract(customer, Plan.LIGHT, started)
    await contract.save()
    for k in range(invoiced_months, 0, -1):
        month = (cancelled.replace(day=1) - timedelta(days=28 * (k - 1))).replace(day=1)
        invoice = monthly_invoice(month, contract, customer, [])
        await invoice.save()
        for line in monthly_lines(invoice, contract, []):
            await line.save()
        await Payment.create(invoice_id=invoice.id, amount=invoice.total, received_on=month)
    await cancel_contract(contract, cancelled)
    return customer


# (contract started, cancelled, months invoiced and paid before cancelling)
_FORMERS = (
    (date(2015, 4, 1), date(2019, 3, 31), 3),
    (date(2016, 4, 1), date(2018, 9, 30), 2),
    (date(2024, 10, 1), date(2025, 3, 31), 0),
    (date(2020, 4, 1), date(2026, 3, 31), 3),
    (date(2021, 4, 1), date(2026, 6, 30), 2),
)

FORMER_CUSTOMERS = len(_FORMERS)  # added to the demo's customers


async def seed_former_customers(fake: Faker) -> list[Customer]:
    """[0] paid, cancelled 2019: due for the purge (7 years); [1] the same but under a legal
    hold; [2] never invoiced, cancelled 2025-03: due (1 year); [3], [4] cancelled in 2026:
    kept (and asking what is held)."""
    formers = [
        await _former(fake, started=start, cancelled=end, invoiced_months=months)
        for start, end, months in _FORMERS
    ]
    await place_legal_hold(
        formers[1].id, reason="訴訟対応 (demo)", by="demo-admin", at=_at(date(2026, 10, 1))
    )
    return formers


async def seed_requests(formers: list[Customer]) -> None:
    """Disclosure requests in each fee state, a stop request, and one from a person of whom
    nothing is held."""
    check = IdentityCheck(IdDocument.DRIVERS_LICENCE, SUPPORT, _at(date(2026, 11, 5), 9))
    recent = formers[3]
    for day in (date(2026, 11, 5), date(2026, 11, 20)):  # FREE, then DUE (second in November)
        await take_request(
            kind=RequestKind.DISCLOSURE,
            customer_id=recent.id,
            reply_to="",
            check=check,
            at=_at(day),
        )
    other = formers[4]
    passport = IdentityCheck(IdDocument.PASSPORT, SUPPORT, _at(date(2026, 11, 2), 9))
    for day in (date(2026, 11, 2), date(2026, 11, 16)):  # FREE, then PAID in cash
        taken = await take_request(
            kind=RequestKind.DISCLOSURE,
            customer_id=other.id,
            reply_to="",
            check=passport,
            at=_at(day),
        )
    await pay_fee_in_cash(
        taken.id, on=date(2026, 11, 16), by="demo-billing", address=addressed_to(other)
    )
    await take_request(
        kind=RequestKind.STOP,
        customer_id=formers[4].id,
        reply_to="",
        check=check,
        at=_at(date(2026, 11, 25)),
    )
    card = IdentityCheck(IdDocument.PHOTO_MEMBERSHIP_CARD, SUPPORT, _at(date(2026, 11, 26), 9))
    await take_request(
        kind=RequestKind.DISCLOSURE,
        customer_id=None,
        reply_to="nobody@example.jp",
        check=card,
        at=_at(date(2026, 11, 26)),
    )


async def seed_rights(fake: Faker, rng: random.Random) -> None:
    customers = await Customer.all().order_by("id")
    await seed_consents(customers, rng)
    await seed_requests(await seed_former_customers(fake))
