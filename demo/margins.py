"""Demo margin records: each agent's monthly statement of margins on its active contracts,
with one line per contract and the payout to the agent's bank account."""

from __future__ import annotations

from datetime import date, timedelta

from demo.rows import insert_rows
from demo.sales import MONTHS, active
from models import Agent, Contract, MarginLine, MarginStatement, Payout

MARGIN_RATE_PERCENT = 10

# A statement's contracts, each with the margin earned on it.
_Earned = list[tuple[Contract, int]]


async def seed_margins(contracts: list[Contract]) -> None:
    agents = {a.id: a for a in await Agent.all()}
    periods = [(agent_id, month) for month in MONTHS for agent_id in sorted(agents)]
    earned = [_earned(contracts, agent_id, month) for agent_id, month in periods]
    statements = [_statement(a, m, parts) for (a, m), parts in zip(periods, earned, strict=True)]
    saved = await insert_rows(MarginStatement, statements)
    lines = [
        MarginLine(statement_id=s.id, contract_id=c.id, amount=amount)
        for s, parts in zip(saved, earned, strict=True)
        for c, amount in parts
    ]
    await MarginLine.bulk_create(lines, batch_size=1000)
    await Payout.bulk_create([_payout(s, agents[s.agent_id]) for s in saved])


def _earned(contracts: list[Contract], agent_id: int, month: date) -> _Earned:
    mine = [c for c in contracts if c.agent_id == agent_id and active(c, month)]
    return [(c, c.monthly_fee * MARGIN_RATE_PERCENT // 100) for c in mine]


def _statement(agent_id: int, month: date, earned: _Earned) -> MarginStatement:
    return MarginStatement(
        agent_id=agent_id,
        period=month,
        issued_on=month + timedelta(days=35),
        total=sum(amount for _, amount in earned),
    )


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
