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
from directives.vocabulary import Category, MaskStrategy, Role
from resolvers.research.release import Row

NO_PLAN = "NONE"  # no active contract

# Customers in chunks of 100,000 by id (keyset: each an index range), so that a million rows
# are never all held as database rows at once.
_CUSTOMERS = "SELECT id, birth_date, postal_code, address FROM customer WHERE id > {} "
_CHUNK = "ORDER BY id LIMIT 100000"
_PLACEHOLDER = {"postgres": "$1", "sqlite": "?"}
# Each active contract with its plan, its fee plus its active options' fees, and how many
# options. One active contract per customer (resolvers/sales/rules.py); were there two, the
# newest (the last one read) counts.
_CONTRACTS = (
    "SELECT t.customer_id, t.plan, t.monthly_fee + coalesce(x.fees, 0), coalesce(x.n, 0) "
    "FROM contract t LEFT JOIN (SELECT s.contract_id, sum(o.monthly_fee) AS fees, count(*) AS n "
    "FROM option_subscription s JOIN option_service o ON o.id = s.option_id "
    "WHERE s.cancelled_on IS NULL GROUP BY s.contract_id) x ON x.contract_id = t.id "
    "WHERE t.cancelled_on IS NULL ORDER BY t.id"
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


def _iso(value: date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


# What the SELECTs return: a customer; a customer's active contract.
Customer = tuple[int, date | str | None, str | None, str | None]  # SQLite gives dates as text
Contract = tuple[str, int, int]  # plan, monthly fee with the options', how many options
_NO_CONTRACT: Contract = (NO_PLAN, 0, 0)


def _research_mask(category: Category) -> MaskStrategy:
    """What the policy shows research of `category` (P5.F): the analyst's mask."""
    return mask_for(Role.ANALYST, category)


class _Counting:
    """A census made chunk by chunk: each mask applied once per distinct value, each row's
    values built column by column."""

    def __init__(self, contracts: dict[int, Contract]) -> None:
        self.contracts = contracts
        self.shown: dict[Category, dict[str | None, str]] = {}
        self.index: dict[Row, int] = {}
        self.ids, self.row_of = array("q"), array("I")

    def add(self, customers: Sequence[Customer]) -> None:
        ids, born, codes, places = _columns(customers, 4)
        signed = list(map(self.contracts.get, ids, itertools.repeat(_NO_CONTRACT)))
        rows = zip(
            self._masked(Category.BIRTH_DATE, list(map(_iso, born))),
            self._masked(Category.POSTAL_CODE, codes),
            self._masked(Category.ADDRESS, places),
            *_columns(signed, 3),
            strict=True,
        )
        index = self.index
        self.row_of.extend([index.setdefault(row, len(index)) for row in rows])
        self.ids.extend(ids)

    def _masked(self, category: Category, values: list[str | None]) -> list[str]:
        strategy, shown = _research_mask(category), self.shown.setdefault(category, {})
        for value in set(values).difference(shown):
            shown[value] = apply_mask(strategy, value or "?") or ""
        return list(map(shown.__getitem__, values))

    def census(self) -> Census:
        counts = Counter(self.row_of)
        weights = [counts[i] for i in range(len(self.index))]
        return Census(list(self.index), weights, self.ids, self.row_of)


def counted(customers: Sequence[Customer], contracts: dict[int, Contract]) -> Census:
    """The census of `customers` with their active contracts (by customer)."""
    counting = _Counting(contracts)
    counting.add(customers)
    return counting.census()


async def _select(sql: str, values: list[object] | None = None) -> list[Any]:
    _, rows = await get_connection("default").execute_query(sql, values)
    return list(rows)


async def census() -> Census:
    """Every customer, read now: each chunk is read while the one before is counted."""
    dialect = get_connection("default").capabilities.dialect
    customers = _CUSTOMERS.replace("{}", _PLACEHOLDER.get(dialect, "$1")) + _CHUNK
    signed, chunk = await asyncio.gather(_select(_CONTRACTS), _select(customers, [0]))
    counting = _Counting({c: (str(p), int(f), int(n)) for c, p, f, n in signed})
    del signed
    while chunk:
        following = asyncio.ensure_future(_select(customers, [chunk[-1][0]]))
        try:
            await asyncio.to_thread(counting.add, chunk)
        finally:
            chunk = await following
    return await asyncio.to_thread(counting.census)


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    return [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


async def population() -> list[Member]:
    """Every customer, ordered by id (callers re-order before anything is shown)."""
    return (await census()).members()
