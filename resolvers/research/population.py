"""Every customer as research sees them (P5.F): the policy's research masks applied to the
personal values, and the active contract's figures. Nothing else leaves this module: no name,
no contact detail, no clear value.

Read with three plain SELECTs (no model objects: a million rows), each mask applied once per
distinct value, and kept as a `Census`: each distinct research row once, with how many
customers have it and which one each customer has."""

from __future__ import annotations

import asyncio
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from tortoise.connection import get_connection

from directives.masks import apply_mask
from directives.policy import mask_for
from directives.vocabulary import Category, Role
from resolvers.research.release import Row

NO_PLAN = "NONE"  # no active contract

_CUSTOMERS = "SELECT id, birth_date, postal_code, address FROM customer ORDER BY id"
# One active contract per customer (resolvers/sales/rules.py); were there two, the newest.
_CONTRACTS = (
    "SELECT id, customer_id, plan, monthly_fee FROM contract WHERE cancelled_on IS NULL ORDER BY id"
)
_OPTIONS = (
    "SELECT s.contract_id, sum(o.monthly_fee), count(*) FROM option_subscription s "
    "JOIN option_service o ON o.id = s.option_id JOIN contract c ON c.id = s.contract_id "
    "WHERE s.cancelled_on IS NULL AND c.cancelled_on IS NULL GROUP BY s.contract_id"
)


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


@dataclass(frozen=True, slots=True)
class Census:
    """The population, counted: `rows` are the distinct research rows, `weights` how many
    customers have each; customer `ids` in id order, `row_of` the index of each one's row."""

    rows: list[Row]
    weights: list[int]
    ids: array[int]
    row_of: array[int]
    tallies: dict[object, dict[str, int]] = field(default_factory=dict)  # see aggregate.tally

    def __len__(self) -> int:
        return len(self.ids)

    def members(self) -> list[Member]:
        return [Member(i, self.rows[r]) for i, r in zip(self.ids, self.row_of, strict=True)]


def _masker(category: Category) -> Callable[[str | None], str]:
    """The analyst's mask for `category`, applied once per distinct value."""
    strategy, seen = mask_for(Role.ANALYST, category), dict[str | None, str]()

    def masked(value: str | None) -> str:
        shown = seen.get(value)
        if shown is None:
            shown = seen[value] = apply_mask(strategy, value or "?") or ""
        return shown

    return masked


def _iso(value: date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


# What the three SELECTs return: a customer, an active contract, a contract's active options.
Customer = tuple[int, date | str | None, str | None, str | None]  # SQLite gives dates as text
Contract = tuple[int, str, int]  # contract id, plan, monthly fee
Options = tuple[int, int]  # their monthly fees, how many


async def _select(sql: str) -> list[tuple[Any, ...]]:
    _, rows = await get_connection("default").execute_query(sql)
    return [tuple(row) for row in rows]


async def census() -> Census:
    """Every customer, read now."""
    options = {c: (int(fees), int(n)) for c, fees, n in await _select(_OPTIONS)}
    contracts = {c: (t, str(p), int(f)) for t, c, p, f in await _select(_CONTRACTS)}
    customers = cast(list[Customer], await _select(_CUSTOMERS))
    return await asyncio.to_thread(counted, customers, contracts, options)


def counted(
    customers: Iterable[Customer], contracts: dict[int, Contract], options: dict[int, Options]
) -> Census:
    """The census of `customers` with their contracts (by customer) and options (by
    contract)."""
    birth, postal, address = (
        _masker(Category.BIRTH_DATE),
        _masker(Category.POSTAL_CODE),
        _masker(Category.ADDRESS),
    )
    index: dict[Row, int] = {}
    ids, row_of, weights = array("q"), array("I"), list[int]()
    for customer_id, born, code, place in customers:
        contract, plan, fee = contracts.get(customer_id, (0, NO_PLAN, 0))
        extra, count = options.get(contract, (0, 0))
        row = (birth(_iso(born)), postal(code), address(place), plan, fee + extra, count)
        at = index.setdefault(row, len(index))
        if at == len(weights):
            weights.append(0)
        weights[at] += 1
        ids.append(customer_id)
        row_of.append(at)
    return Census(list(index), weights, ids, row_of)


async def population() -> list[Member]:
    """Every customer, ordered by id (callers re-order before anything is shown)."""
    return (await census()).members()
