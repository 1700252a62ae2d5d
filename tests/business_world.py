"""A small known set of business records on top of the core test world (tests/conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from models import (
    Campaign,
    Contract,
    Inquiry,
    InquiryMessage,
    Invoice,
    InvoiceLine,
    MarginLine,
    MarginStatement,
    OptionService,
    OptionSubscription,
    Payment,
    Payout,
    Survey,
    SurveyResponse,
)
from models.billing import LineKind
from models.contact import Author, InquiryKind
from models.contracts import PLAN_FEES, Plan
from models.marketing import Channel
from tests.conftest import World

AT = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


@dataclass
class Business:
    contracts: list[Contract]  # one per world customer, same order
    option: OptionService
    invoices: list[Invoice]  # one per contract, October; [1] paid, the others unpaid
    statement1: MarginStatement  # agent1's
    statement2: MarginStatement  # agent2's
    inquiries: list[Inquiry]  # [0] application (C) of customer 0, [1] administration (D)
    campaigns: dict[Channel, Campaign]
    survey: Survey


async def make_business(world: World) -> Business:
    option = await OptionService.create(code="BACKUP", name="バックアップ", monthly_fee=1_100)
    await OptionService.create(
        code="SMS", name="SMS配信", monthly_fee=2_200, provider="株式会社テレコム"
    )
    contracts, invoices = [], []
    for customer in world.customers:
        contract = await Contract.create(
            customer=customer,
            agent_id=customer.agent_id,
            plan=Plan.STANDARD,
            monthly_fee=PLAN_FEES[Plan.STANDARD],
            started_on=date(2026, 4, 1),
        )
        await OptionSubscription.create(
            contract=contract, option=option, started_on=date(2026, 4, 1)
        )
        invoice = await Invoice.create(
            contract=contract,
            customer=customer,
            period=date(2026, 10, 1),
            issued_on=date(2026, 10, 1),
            due_on=date(2026, 10, 31),
            total=contract.monthly_fee + option.monthly_fee,
            billing_name=customer.name,
            billing_postal_code=customer.postal_code,
            billing_address=customer.address,
        )
        await InvoiceLine.create(
            invoice=invoice, kind=LineKind.PLAN, description="STANDARD", amount=5_500
        )
        await InvoiceLine.create(
            invoice=invoice,
            kind=LineKind.OPTION,
            option=option,
            description="バックアップ",
            amount=1_100,
        )
        contracts.append(contract)
        invoices.append(invoice)
    await Payment.create(
        invoice=invoices[1], amount=invoices[1].total, received_on=date(2026, 10, 20)
    )
    statements = []
    for agent, mine in ((world.agent1, contracts[:3]), (world.agent2, contracts[3:4])):
        statement = await MarginStatement.create(
            agent=agent,
            period=date(2026, 10, 1),
            issued_on=date(2026, 11, 5),
            total=550 * len(mine),
        )
        for contract in mine:
            await MarginLine.create(statement=statement, contract=contract, amount=550)
        await Payout.create(
            statement=statement,
            agent=agent,
            amount=statement.total,
            paid_on=date(2026, 11, 25),
            bank_name=agent.bank_name,
            bank_branch=agent.bank_branch,
            account_number=agent.account_number,
            account_holder=agent.account_holder,
        )
        statements.append(statement)
    inquiries = []
    for kind in (InquiryKind.APPLICATION, InquiryKind.ADMINISTRATION):
        inquiry = await Inquiry.create(
            customer=world.customers[0], kind=kind, subject="質問", opened_at=AT
        )
        await InquiryMessage.create(
            inquiry=inquiry, author=Author.CUSTOMER, body="教えてください", at=AT
        )
        inquiries.append(inquiry)
    campaigns = {c: await Campaign.create(name=f"{c.value} 2026", channel=c) for c in Channel}
    survey = await Survey.create(
        title="満足度調査",
        questions=["満足度"],
        opens_on=date(2026, 10, 1),
        closes_on=date(2026, 10, 31),
    )
    for customer in world.customers:
        if not customer.survey_opt_out:
            await SurveyResponse.create(
                survey=survey, customer=customer, answers=[4], answered_at=AT
            )
    return Business(
        contracts, option, invoices, statements[0], statements[1], inquiries, campaigns, survey
    )
