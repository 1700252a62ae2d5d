"""Every customer as research sees them (P5.F): the policy's research masks applied to the
personal values, and the active contract's figures. Nothing else leaves this module: no name,
no contact detail, no clear value.

Read with three plain SELECTs (no model objects: a million rows), each mask applied once per
distinct value, and kept as a `Census`: each distinct research row once, with how many
customers have it and which one each customer has."""

from __future__ import annotations

import asyncio
import itertools
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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


def _masked(category: Category, values: Sequence[str | None]) -> list[str]:
    """The analyst's mask for `category` of each value, applied once per distinct value."""
    strategy = mask_for(Role.ANALYST, category)
    shown = {v: apply_mask(strategy, v or "?") or "" for v in set(values)}
    return list(map(shown.__getitem__, values))


def _iso(value: date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


# What the three SELECTs return: a customer, an active contract, a contract's active options.
Customer = tuple[int, date | str | None, str | None, str | None]  # SQLite gives dates as text
Contract = tuple[int, str, int]  # contract id, plan, monthly fee
Options = tuple[int, int]  # their monthly fees, how many
_NO_CONTRACT: Contract = (0, NO_PLAN, 0)
_NO_OPTIONS: Options = (0, 0)


async def _select(sql: str) -> list[Any]:
    _, rows = await get_connection("default").execute_query(sql)
    return list(rows)


async def census() -> Census:
    """Every customer, read now (the three SELECTs at once where the database allows)."""
    options, contracts, customers = await asyncio.gather(
        _select(_OPTIONS), _select(_CONTRACTS), _select(_CUSTOMERS)
    )
    return await asyncio.to_thread(
        counted,
        customers,
        {c: (t, str(p), int(f)) for t, c, p, f in contracts},
        {c: (int(fees), int(n)) for c, fees, n in options},
    )


def counted(
    customers: Sequence[Customer], contracts: dict[int, Contract], options: dict[int, Options]
) -> Census:
    """The census of `customers` with their contracts (by customer) and options (by
    contract)."""
    ids, born, codes, places = _columns(customers, 4)
    signed = list(map(contracts.get, ids, itertools.repeat(_NO_CONTRACT)))
    extras = [options.get(contract, _NO_OPTIONS) for contract, _, _ in signed]
    rows: list[Row] = list(
        zip(
            _masked(Category.BIRTH_DATE, list(map(_iso, born))),
            _masked(Category.POSTAL_CODE, codes),
            _masked(Category.ADDRESS, places),
            [plan for _, plan, _ in signed],
            [fee + extra for (_, _, fee), (extra, _) in zip(signed, extras, strict=True)],
            [count for _, count in extras],
            strict=True,
        )
    )
    weights = Counter(rows)
    index = {row: i for i, row in enumerate(weights)}
    return Census(
        list(weights),
        list(weights.values()),
        array("q", ids),
        array("I", map(index.__getitem__, rows)),
    )


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    return [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


async def population() -> list[Member]:
    """Every customer, ordered by id (callers re-order before anything is shown)."""
    return (await census()).members()
