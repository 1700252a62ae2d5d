"""Demo sales records: the option catalogue, contracts and option subscriptions."""

from __future__ import annotations

import random
from datetime import date, timedelta

from demo.rows import insert_rows
from models import Contract, Customer, OptionService, OptionSubscription
from models.contracts import Plan
from resolvers.sales.rules import new_contract, new_subscription

MONTHS = [date(2026, m, 1) for m in range(5, 11)]  # May to October 2026
_OPTIONS = [
    ("BACKUP", "データバックアップ", 1_100, ""),
    ("SSL", "SSL証明書", 1_650, ""),
    ("SMS", "SMS配信", 2_200, "株式会社テレコムサービス"),
    ("CTI", "CTI連携", 3_300, "コールシステム株式会社"),
    ("SUPPORT24", "24時間サポート", 5_500, ""),
    ("STORAGE", "追加ストレージ", 550, ""),
]
OptionsByContract = dict[int, list[OptionService]]


def active(contract: Contract, month: date) -> bool:
    """Whether the contract is billed for `month` (started by its 28th, not cancelled before)."""
    started = contract.started_on <= month + timedelta(days=27)
    return started and (contract.cancelled_on is None or contract.cancelled_on >= month)


async def option_catalogue() -> list[OptionService]:
    """The demo options in catalogue order, creating those not in the table yet (codes are
    unique)."""
    codes = [code for code, *_ in _OPTIONS]
    existing = {o.code: o for o in await OptionService.filter(code__in=codes)}
    missing = [
        OptionService(code=c, name=n, monthly_fee=f, provider=p)
        for c, n, f, p in _OPTIONS
        if c not in existing
    ]
    by_code = existing | {o.code: o for o in await insert_rows(OptionService, missing)}
    return [by_code[code] for code in codes]


async def seed_contracts(customers: list[Customer], rng: random.Random) -> list[Contract]:
    planned = [_contract(customer, rng) for customer in customers]
    rows = [contract for contract in planned if contract is not None]
    return await insert_rows(Contract, rows, batch_size=500)


def _contract(customer: Customer, rng: random.Random) -> Contract | None:
    if rng.random() < 0.05:
        return None  # prospects without a contract yet
    plan = rng.choice([Plan.LIGHT, Plan.STANDARD, Plan.STANDARD, Plan.PREMIUM])
    started = date(2025, 1, 1) + timedelta(days=rng.randrange(480))
    cancelled = date(2026, rng.randrange(5, 11), 28) if rng.random() < 0.06 else None
    return new_contract(customer, plan, started, cancelled_on=cancelled)


async def seed_subscriptions(
    contracts: list[Contract], options: list[OptionService], rng: random.Random
) -> OptionsByContract:
    """Zero to three options per contract; returns each contract's options, in order taken."""
    taken = {c.id: rng.sample(options, rng.choice([0, 0, 1, 1, 2, 3])) for c in contracts}
    rows = [new_subscription(c, o, c.started_on) for c in contracts for o in taken[c.id]]
    await OptionSubscription.bulk_create(rows, batch_size=500)
    return taken
