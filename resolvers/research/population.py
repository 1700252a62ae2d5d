"""Every customer as research sees them (P5.F): the policy's research masks applied to the
personal values, and the active contract's figures. Nothing else leaves this module: no name,
no contact detail, no clear value."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from directives.masks import apply_mask
from directives.policy import mask_for
from directives.vocabulary import Category, Role
from models import Contract, Customer, OptionSubscription
from resolvers.research.release import Row

NO_PLAN = "NONE"  # no active contract


@dataclass(frozen=True, slots=True)
class Member:
    customer_id: int
    row: Row  # masked birth date, postal code and address; plan, monthly fee, option count

    @property
    def birth_year(self) -> int | None:
        year = str(self.row[0])[:4]
        return int(year) if year.isdigit() else None

    @property
    def prefecture(self) -> str | None:
        return str(self.row[2]).removesuffix(" ***") or None

    @property
    def plan(self) -> str:
        return str(self.row[3])

    @property
    def option_count(self) -> int:
        return int(str(self.row[5]))


def _masked(category: Category, value: str | None) -> str:
    return apply_mask(mask_for(Role.ANALYST, category), value or "?") or ""


async def population() -> list[Member]:
    """Every customer, ordered by id (callers re-order before anything is shown)."""
    contracts = {
        customer_id: (contract_id, plan, fee)
        for contract_id, customer_id, plan, fee in await Contract.filter(
            cancelled_on__isnull=True
        ).values_list("id", "customer_id", "plan", "monthly_fee")
    }
    options: dict[int, list[int]] = defaultdict(list)
    for contract_id, fee in await OptionSubscription.filter(
        cancelled_on__isnull=True, contract__cancelled_on__isnull=True
    ).values_list("contract_id", "option__monthly_fee"):
        options[contract_id].append(fee)
    customers = (
        await Customer.all()
        .order_by("id")
        .values_list("id", "birth_date", "postal_code", "address")
    )
    return [_member(row, contracts, options) for row in customers]


def _member(
    customer: tuple[int, date | None, str, str],
    contracts: dict[int, tuple[int, str, int]],
    options: dict[int, list[int]],
) -> Member:
    customer_id, birth, postal, address = customer
    contract_id, plan, fee = contracts.get(customer_id, (0, NO_PLAN, 0))
    fees = options.get(contract_id, [])
    return Member(
        customer_id,
        (
            _masked(Category.BIRTH_DATE, birth.isoformat() if birth else None),
            _masked(Category.POSTAL_CODE, postal),
            _masked(Category.ADDRESS, address),
            str(plan),
            fee + sum(fees),
            len(fees),
        ),
    )
