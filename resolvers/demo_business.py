"""Demo business records: contracts, options, six months of invoices and payments, agents'
margins and payouts, inquiries, notices, surveys and campaigns. Deterministic for a seed."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from faker import Faker

from models import (
    Agent,
    Campaign,
    CampaignRecipient,
    Contract,
    Customer,
    Inquiry,
    InquiryMessage,
    Invoice,
    InvoiceLine,
    MarginLine,
    MarginStatement,
    Notice,
    OptionService,
    OptionSubscription,
    Payment,
    Payout,
    Survey,
    SurveyResponse,
)
from models.billing import LineKind
from models.contact import Author, InquiryKind, InquiryStatus
from models.contracts import PLAN_FEES, Plan
from models.marketing import Channel

MONTHS = [date(2026, m, 1) for m in range(5, 11)]  # May to October 2026
MARGIN_RATE_PERCENT = 10
_OPTIONS = [
    ("BACKUP", "データバックアップ", 1_100, ""),
    ("SSL", "SSL証明書", 1_650, ""),
    ("SMS", "SMS配信", 2_200, "株式会社テレコムサービス"),
    ("CTI", "CTI連携", 3_300, "コールシステム株式会社"),
    ("SUPPORT24", "24時間サポート", 5_500, ""),
    ("STORAGE", "追加ストレージ", 550, ""),
]
_SUBJECTS = {
    InquiryKind.APPLICATION: ["プラン変更について", "オプション追加の方法", "解約の手続き"],
    InquiryKind.ADMINISTRATION: ["ログインできない", "メンテナンスの予定", "データの移行"],
}


async def seed_business(fake: Faker, rng: random.Random) -> None:
    customers = await Customer.all().order_by("id")
    await OptionService.bulk_create(
        [OptionService(code=c, name=n, monthly_fee=f, provider=p) for c, n, f, p in _OPTIONS]
    )
    options = await OptionService.all().order_by("id")
    contracts = await _contracts(customers, rng)
    await _subscriptions(contracts, options, rng)
    await _invoices(contracts, {c.id: c for c in customers}, options, rng)
    await _margins(contracts)
    await _contact(customers, rng)
    await _surveys(customers, rng)
    await _campaigns(customers)


async def _contracts(customers: list[Customer], rng: random.Random) -> list[Contract]:
    rows = []
    for customer in customers:
        if rng.random() < 0.05:
            continue  # prospects without a contract yet
        plan = rng.choice([Plan.LIGHT, Plan.STANDARD, Plan.STANDARD, Plan.PREMIUM])
        started = date(2025, 1, 1) + timedelta(days=rng.randrange(480))
        cancelled = date(2026, rng.randrange(5, 11), 28) if rng.random() < 0.06 else None
        rows.append(
            Contract(
                customer_id=customer.id,
                agent_id=customer.agent_id,
                plan=plan,
                monthly_fee=PLAN_FEES[plan],
                started_on=started,
                cancelled_on=cancelled,
            )
        )
    await Contract.bulk_create(rows, batch_size=500)
    return await Contract.all().order_by("id")


async def _subscriptions(
    contracts: list[Contract], options: list[OptionService], rng: random.Random
) -> None:
    rows = [
        OptionSubscription(contract_id=c.id, option_id=o.id, started_on=c.started_on)
        for c in contracts
        for o in rng.sample(options, rng.choice([0, 0, 1, 1, 2, 3]))
    ]
    await OptionSubscription.bulk_create(rows, batch_size=500)


def _active(contract: Contract, month: date) -> bool:
    started = contract.started_on <= month + timedelta(days=27)
    return started and (contract.cancelled_on is None or contract.cancelled_on >= month)


async def _invoices(
    contracts: list[Contract],
    customers: dict[int, Customer],
    options: list[OptionService],
    rng: random.Random,
) -> None:
    by_contract: dict[int, list[OptionService]] = {}
    fees = {o.id: o for o in options}
    for s in await OptionSubscription.all():
        by_contract.setdefault(s.contract_id, []).append(fees[s.option_id])
    invoices, lines = [], []
    for month in MONTHS:
        for contract in (c for c in contracts if _active(c, month)):
            customer = customers[contract.customer_id]
            extras = by_contract.get(contract.id, [])
            invoices.append(
                Invoice(
                    contract_id=contract.id,
                    customer_id=customer.id,
                    period=month,
                    issued_on=month,
                    due_on=month + timedelta(days=30),
                    total=contract.monthly_fee + sum(o.monthly_fee for o in extras),
                    billing_name=customer.name,
                    billing_postal_code=customer.postal_code,
                    billing_address=customer.address,
                )
            )
            lines.append(
                [(LineKind.PLAN, None, contract.plan.value, contract.monthly_fee)]
                + [(LineKind.OPTION, o.id, o.name, o.monthly_fee) for o in extras]
            )
    await Invoice.bulk_create(invoices, batch_size=500)
    saved = await Invoice.all().order_by("id")
    await InvoiceLine.bulk_create(
        [
            InvoiceLine(invoice_id=i.id, kind=k, option_id=o, description=d, amount=a)
            for i, parts in zip(saved, lines, strict=True)
            for k, o, d, a in parts
        ],
        batch_size=1000,
    )
    # Most are paid a few days before the due date; some are late, a few not paid at all.
    payments = [
        Payment(invoice_id=i.id, amount=i.total, received_on=i.due_on - timedelta(days=3))
        for i in saved
        if rng.random() < 0.94
    ]
    await Payment.bulk_create(payments, batch_size=1000)


async def _margins(contracts: list[Contract]) -> None:
    agents = {a.id: a for a in await Agent.all()}
    statements, lines = [], []
    for month in MONTHS:
        for agent_id in sorted(agents):
            mine = [c for c in contracts if c.agent_id == agent_id and _active(c, month)]
            amounts = [c.monthly_fee * MARGIN_RATE_PERCENT // 100 for c in mine]
            statements.append(
                MarginStatement(
                    agent_id=agent_id,
                    period=month,
                    issued_on=month + timedelta(days=35),
                    total=sum(amounts),
                )
            )
            lines.append(list(zip(mine, amounts, strict=True)))
    await MarginStatement.bulk_create(statements)
    saved = await MarginStatement.all().order_by("id")
    await MarginLine.bulk_create(
        [
            MarginLine(statement_id=s.id, contract_id=c.id, amount=a)
            for s, parts in zip(saved, lines, strict=True)
            for c, a in parts
        ],
        batch_size=1000,
    )
    await Payout.bulk_create([_payout(s, agents[s.agent_id]) for s in saved])


def _payout(statement: MarginStatement, agent: Agent) -> Payout:
    return Payout(
        statement_id=statement.id,
        agent_id=agent.id,
        amount=statement.total,
        paid_on=statement.issued_on + timedelta(days=20),
        bank_name=agent.bank_name,
        bank_branch=agent.bank_branch,
        account_type=agent.account_type,
        account_number=agent.account_number,
        account_holder=agent.account_holder,
    )


async def _contact(customers: list[Customer], rng: random.Random) -> None:
    inquiries = []
    for customer in rng.sample(customers, min(300, len(customers))):
        kind = rng.choice(list(InquiryKind))
        opened = datetime(2026, 10, 1, tzinfo=UTC) + timedelta(hours=rng.randrange(1400))
        status = rng.choice([InquiryStatus.OPEN, InquiryStatus.ANSWERED, InquiryStatus.CLOSED])
        inquiries.append(
            Inquiry(
                customer_id=customer.id,
                kind=kind,
                status=status,
                subject=rng.choice(_SUBJECTS[kind]),
                opened_at=opened,
            )
        )
    await Inquiry.bulk_create(inquiries)
    messages = []
    for inquiry in await Inquiry.all().order_by("id"):
        messages.append(
            InquiryMessage(
                inquiry_id=inquiry.id,
                author=Author.CUSTOMER,
                body="お世話になっております。ご確認ください。",
                at=inquiry.opened_at,
            )
        )
        if inquiry.status is not InquiryStatus.OPEN:
            messages.append(
                InquiryMessage(
                    inquiry_id=inquiry.id,
                    author=Author.STAFF,
                    body="お問い合わせありがとうございます。",
                    author_login="demo-support",
                    at=inquiry.opened_at + timedelta(hours=3),
                )
            )
    await InquiryMessage.bulk_create(messages, batch_size=1000)
    await Notice.bulk_create(
        [
            Notice(
                title="定期メンテナンスのお知らせ",
                body="11月30日 2:00-5:00 に実施します。",
                published_at=datetime(2026, 11, 1, tzinfo=UTC),
            ),
            Notice(
                title="新機能のお知らせ",
                body="CTI連携オプションを追加しました。",
                published_at=datetime(2026, 10, 1, tzinfo=UTC),
            ),
        ]
    )


async def _surveys(customers: list[Customer], rng: random.Random) -> None:
    willing = [c for c in customers if not c.survey_opt_out]
    for title, questions in (
        ("2026年度 満足度調査", ["総合満足度", "操作性", "サポート"]),
        ("新サービスの希望調査", ["モバイル版の必要性", "価格"]),
    ):
        survey = await Survey.create(
            title=title, questions=questions, opens_on=date(2026, 9, 1), closes_on=date(2026, 9, 30)
        )
        await SurveyResponse.bulk_create(
            [
                SurveyResponse(
                    survey_id=survey.id,
                    customer_id=c.id,
                    answers=[rng.randint(1, 5) for _ in questions],
                    answered_at=datetime(2026, 9, rng.randint(1, 30), tzinfo=UTC),
                )
                for c in willing
                if rng.random() < 0.4
            ],
            batch_size=1000,
        )


async def _campaigns(customers: list[Customer]) -> None:
    """Three campaigns; the newsletter's send list is built (without opted-out customers),
    the other two wait for marketing to build them through the API (P5.H, audited)."""
    for name, channel in (
        ("秋のニュースレター", Channel.NEWSLETTER),
        ("年末キャンペーンDM", Channel.DIRECT_MAIL),
        ("FAXでのご案内", Channel.FAX),
    ):
        await Campaign.create(name=name, channel=channel)
    newsletter = await Campaign.get(channel=Channel.NEWSLETTER)
    await CampaignRecipient.bulk_create(
        [
            CampaignRecipient(campaign_id=newsletter.id, customer_id=c.id)
            for c in customers
            if not c.marketing_opt_out and c.email
        ],
        batch_size=1000,
    )
    newsletter.built_at, newsletter.built_by = datetime(2026, 10, 15, tzinfo=UTC), "demo-seed"
    await newsletter.save(update_fields=["built_at", "built_by"])
