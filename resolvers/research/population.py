"""Every customer as research sees them (P5.F): the policy's research masks applied to the
personal values, and the active contract's figures. Nothing else leaves this module: no name,
no contact detail, no clear value.

Read with three plain SELECTs (no model objects: a million rows), each mask applied once per
distinct value, and kept as a `Census`: each distinct research row once, with how many
customers have it and which one each customer has."""

from __future__ import annotations

import asyncio
import itertools
import json
from array import array
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, overload

from tortoise.connection import get_connection

from directives.masks import apply_mask
from directives.policy import mask_for
from directives.vocabulary import Category, MaskStrategy, Role
from resolvers.research.chunked import Chunked, Edit
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
    "WHERE s.cancelled_on IS NULL{subscriptions} GROUP BY s.contract_id) x "
    "ON x.contract_id = t.id WHERE t.cancelled_on IS NULL{contracts} ORDER BY t.id"
)
# The same for some customers only (a patch): their ids as one parameter, used twice.
_SOME = {"postgres": "= ANY($1::bigint[])", "sqlite": "IN (SELECT value FROM json_each(?1))"}
_SOME_CUSTOMERS = "SELECT id, birth_date, postal_code, address FROM customer WHERE id {}"
_SOME_CONTRACTS = _CONTRACTS.format(
    subscriptions=" AND s.contract_id IN (SELECT id FROM contract WHERE customer_id {})",
    contracts=" AND t.customer_id {}",
)
_ALL_CONTRACTS = _CONTRACTS.format(subscriptions="", contracts="")


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


_COUNTS = itertools.count(1)
SCAN_SINCE = 40  # see Census.customers_of


class Rows(Sequence[Row]):
    """A census's distinct rows: those of the full count it descends from (`counted`: one list
    shared by every census patched from that count, never changed), then those appended since
    (its own). A patch shares rather than copies: a copy of half a million rows cost the copy
    and, in the cyclic collector's next pass over young objects, a walk of every row."""

    __slots__ = ("appended", "counted")

    def __init__(self, counted: list[Row], appended: tuple[Row, ...] = ()) -> None:
        self.counted, self.appended = counted, appended

    def __len__(self) -> int:
        return len(self.counted) + len(self.appended)

    def __iter__(self) -> Iterator[Row]:
        return itertools.chain(self.counted, self.appended)

    @overload
    def __getitem__(self, i: int) -> Row: ...
    @overload
    def __getitem__(self, i: slice) -> list[Row]: ...
    def __getitem__(self, i: int | slice) -> Row | list[Row]:
        n = len(self.counted)
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step != 1:
                return list(self)[i]
            return self.counted[start:stop] + list(
                self.appended[max(0, start - n) : max(0, stop - n)]
            )
        if i < 0:
            i += len(self)
        return self.counted[i] if 0 <= i < n else self.appended[i - n]

    def extends(self, other: Rows) -> bool:
        """Whether `other` is a prefix of these rows (a census this one was patched from)."""
        appended = self.appended[: len(other.appended)]
        return self.counted is other.counted and appended == other.appended


@dataclass(frozen=True, slots=True)
class Census:
    """The population, counted: `rows` are the distinct research rows, `weights` how many
    customers have each; customer `ids` in id order, `row_of` the index of each one's row
    (all three chunked: a patch shares every chunk no change falls in).
    A census patched with a change (`patched`) may keep rows no customer has any more (weight
    0): every count is weighted, so they count for nothing."""

    rows: Rows
    weights: Chunked[int]
    ids: Chunked[int]
    row_of: Chunked[int]
    # Each row's position in `rows`: `index` for the full count's rows (shared like them),
    # `appended` for the rows appended since.
    index: dict[Row, int] = field(default_factory=dict)
    appended: dict[Row, int] = field(default_factory=dict)
    # The full count this census was patched from (its own number if it is one), and the
    # customers changed since: a census descended from the same count has these `rows` as a
    # prefix of its own (see rows.merged).
    base: int = field(default_factory=lambda: next(_COUNTS))
    since_base: frozenset[int] = frozenset()
    unused: int = 0  # rows of weight 0 (none in a full count)
    # The full count's customers by row (shared like its rows): row r's are
    # `members[offsets[r]:offsets[r + 1]]`, as counted (those in `since_base` may have moved).
    by_row: tuple[array[int], array[int]] | None = None  # (offsets, members)
    tallies: dict[object, dict[str, int]] = field(default_factory=dict)  # see aggregate.tally

    def __len__(self) -> int:
        return len(self.ids)

    def members(self) -> list[Member]:
        rows = list(self.rows)
        return [Member(i, rows[r]) for i, r in zip(self.ids, self.row_of, strict=True)]

    def customers_of(self, rows: Collection[int]) -> list[tuple[int, int]]:
        """(customer, row) for every customer whose row is one of `rows`: the full count's
        customers of those rows (`by_row`) but those changed since, then each changed one
        whose row now is one of them; without `by_row`, or past one changed customer in
        SCAN_SINCE (each looked up, ~2.5 µs, where a look at a million takes ~85 ms), every
        customer is looked at."""
        if self.by_row is None or len(self.since_base) * SCAN_SINCE > len(self.ids):
            wanted = set(rows)
            pairs = zip(self.ids, self.row_of, strict=True)
            return list(itertools.compress(pairs, map(wanted.__contains__, self.row_of)))
        offsets, members = self.by_row
        since, found = self.since_base, []
        for r in rows:
            if r < len(offsets) - 1:
                found += [(c, r) for c in members[offsets[r] : offsets[r + 1]] if c not in since]
        for customer in since:
            row = self.row_index(customer)
            if row is not None and row in rows:
                found.append((customer, row))
        return found

    def row_index(self, customer_id: int) -> int | None:
        """The index in `rows` of the customer's row, None if the customer is not counted."""
        at = self.ids.bisect_left(customer_id)
        return self.row_of[at] if at < len(self.ids) and self.ids[at] == customer_id else None


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
        self.shown: dict[Category, dict[date | str | None, str]] = {}
        self.index: dict[Row, int] = {}
        self.ids, self.row_of = array("q"), array("I")

    def research_rows(self, customers: Sequence[Customer]) -> tuple[list[int], Iterable[Row]]:
        """The customers' ids and research rows."""
        ids, born, codes, places = _columns(customers, 4)
        signed = list(map(self.contracts.get, ids, itertools.repeat(_NO_CONTRACT)))
        rows = zip(
            self._masked(Category.BIRTH_DATE, born),
            self._masked(Category.POSTAL_CODE, codes),
            self._masked(Category.ADDRESS, places),
            *_columns(signed, 3),
            strict=True,
        )
        return ids, rows

    def add(self, customers: Sequence[Customer]) -> None:
        ids, rows = self.research_rows(customers)
        index = self.index
        self.row_of.extend([index.setdefault(row, len(index)) for row in rows])
        self.ids.extend(ids)

    def _masked(self, category: Category, values: list[date | str | None]) -> list[str]:
        """Each value masked, once per distinct value (a date as ISO text: PostgreSQL gives
        dates, SQLite text)."""
        strategy, shown = _research_mask(category), self.shown.setdefault(category, {})
        for value in set(values).difference(shown):
            shown[value] = apply_mask(strategy, _iso(value) or "?") or ""
        return list(map(shown.__getitem__, values))

    def census(self) -> Census:
        counts = Counter(self.row_of)
        weights = [counts[i] for i in range(len(self.index))]
        offsets = array("q", itertools.accumulate(weights, initial=0))
        members, fill = array("q", bytes(8 * len(self.ids))), array("q", offsets)
        for customer, row in zip(self.ids, self.row_of, strict=True):  # by row, in id order
            members[fill[row]] = customer
            fill[row] += 1
        return Census(
            Rows(list(self.index)),
            Chunked.of("q", weights),
            Chunked.of("q", self.ids),
            Chunked.of("I", self.row_of),
            self.index,
            by_row=(offsets, members),
        )


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
    signed, chunk = await asyncio.gather(_select(_ALL_CONTRACTS), _select(customers, [0]))
    counting = _Counting({c: (str(p), int(f), int(n)) for c, p, f, n in signed})
    del signed
    while chunk:
        following = asyncio.ensure_future(_select(customers, [chunk[-1][0]]))
        try:
            await asyncio.to_thread(counting.add, chunk)
        finally:
            chunk = await following
    return await asyncio.to_thread(counting.census)


@dataclass(frozen=True, slots=True)
class Patch:
    """A census patched with the rows of the customers that changed: `left` the rows they had
    (one per customer that had one), `joined` the rows they have now (one per customer still
    there), so that anything counted per row can be carried over."""

    census: Census
    left: list[Row]
    joined: list[Row]


def patched(before: Census, changed: Collection[int], now: dict[int, Row]) -> Patch:
    """`before` with each `changed` customer's row replaced by its row `now`, or removed when
    it has none (erased from the table). Copies what it changes (`before` may still be read):
    the chunks of its arrays the changes fall in (`Chunked`); the full count's rows and their
    index are shared, rows new since appended (`Rows`)."""
    rows, appended = before.rows, dict(before.appended)
    added: list[Row] = []
    delta: dict[int, int] = {}  # row -> change of its weight (a row added now had none)
    ids, row_of = before.ids, before.row_of
    id_edits: list[Edit[int]] = []
    row_edits: list[Edit[int]] = []
    left, joined, done = [], [], 0
    for customer in sorted(changed):
        at = ids.bisect_left(customer, done)
        done = at
        there = at < len(ids) and ids[at] == customer
        row = now.get(customer)
        if row is not None:
            position = before.index.get(row)
            if position is None:
                position = appended.setdefault(row, len(rows) + len(added))
                if position == len(rows) + len(added):
                    added.append(row)
            delta[position] = delta.get(position, 0) + 1
            joined.append(row)
            if not there:
                id_edits.append((at, False, customer))
            row_edits.append((at, False, position))
        if there:
            was = row_of[at]
            delta[was] = delta.get(was, 0) - 1
            left.append(rows[was])
            row_edits.append((at, True, 0))
            if row is None:
                id_edits.append((at, True, 0))
            done = at + 1
    since = before.since_base.union(changed)
    old = len(before.weights)
    weight = {r: (before.weights[r] if r < old else 0) + d for r, d in delta.items()}
    was_unused = sum(1 for r in delta if r < old and not before.weights[r])
    unused = before.unused - was_unused + sum(1 for r in delta if not weight[r])
    now_rows = Rows(rows.counted, rows.appended + tuple(added))
    return Patch(
        Census(
            now_rows,
            before.weights.updated(weight),  # the added rows' appended
            ids.spliced(id_edits),
            row_of.spliced(row_edits),
            before.index,
            appended,
            before.base,
            since,
            unused,
            by_row=before.by_row,
        ),
        left,
        joined,
    )


async def patched_census(before: Census, changed: frozenset[int]) -> Patch:
    """`before` patched with the `changed` customers read now (after the version: see
    `version.changed_since`): two SELECTs by id, each mask applied to their values only."""
    dialect = get_connection("default").capabilities.dialect
    some = _SOME.get(dialect, _SOME["postgres"])
    ids: object = sorted(changed) if dialect == "postgres" else json.dumps(sorted(changed))
    customers, signed = await asyncio.gather(
        _select(_SOME_CUSTOMERS.format(some), [ids]),
        _select(_SOME_CONTRACTS.format(some, some), [ids]),
    )
    counting = _Counting({c: (str(p), int(f), int(n)) for c, p, f, n in signed})
    now = dict(zip(*counting.research_rows(customers), strict=True))
    return await asyncio.to_thread(patched, before, changed, now)


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    return [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


async def population() -> list[Member]:
    """Every customer, ordered by id (callers re-order before anything is shown)."""
    return (await census()).members()
