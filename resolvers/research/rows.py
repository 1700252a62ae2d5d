"""Research rows (P5.F): the population generalised by the chosen scheme, rows of groups
smaller than k left out, each under a pseudonym, ordered by pseudonym (never by id).

Made once per version of the population and pseudonym key (`snapshot`) and kept compact: the
sorted pseudonyms, and per position the customer's id and the index of its generalised values
(a few thousand distinct rows), each a chunked array (`chunked`: a version merged from the one
before shares every chunk no change falls in); a page's records are built when asked."""

from __future__ import annotations

import heapq
import itertools
import operator
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

from resolvers.research.chunked import Chunked
from resolvers.research.hierarchy import QUASI, Value
from resolvers.research.population import Census
from resolvers.research.positions import window
from resolvers.research.pseudonyms import pseudonymiser
from resolvers.research.release import Choice, K, SchemeCodes, choose_coded, generalise_all
from schema.page import PageInfo
from schema.research.view import (
    IntRange,
    ResearchGeneralisation,
    ResearchPlan,
    ResearchRecord,
    ResearchStep,
)

NAME = 20  # characters of a pseudonym


@dataclass(frozen=True, slots=True)
class Release:
    """Released rows in pseudonym order: position i is pseudonym `names[i]` (ASCII bytes),
    customer `ids[i]`, generalised values `groups[values[i]]`. Kept to merge a change into
    (`merged`): each generalised group's size, and the group of each row of the census the
    release was made from (`group_of_row`, by the census's row index)."""

    choice: Choice
    names: Chunked[bytes]
    ids: Chunked[int]
    values: Chunked[int]
    groups: list[tuple[Value, ...]]
    group_index: dict[tuple[Value, ...], int]
    sizes: list[int]  # customers per group: released when at least K
    group_of_row: array[int]
    codes: SchemeCodes  # the scheme search's counts, patched for the next (Codes.patched)

    def __len__(self) -> int:
        return len(self.ids)

    def records(self, start: int, stop: int) -> list[ResearchRecord]:
        span = slice(start, min(stop, len(self)))
        return [
            _record(name.decode(), customer, self.groups[value])
            for name, customer, value in zip(
                self.names[span], self.ids[span], self.values[span], strict=True
            )
        ]

    def page(
        self, first: int | None, after: str | None, last: int | None, before: str | None
    ) -> tuple[list[ResearchRecord], PageInfo]:
        """A page forward or backward, as `positions.page_list` cuts one from a list."""
        span = window(first, after, last, before, len(self))
        rows = self.records(span.start, span.stop)
        return rows, span.page_info(len(rows), span.stop < len(self))


def research_rows(
    key: bytes, census: Census, coded: tuple[Choice, SchemeCodes] | None = None
) -> Release:
    """Each distinct row generalised once: its group's size decides whether its customers are
    released (as `release.released` decides), and the same values are shown. `coded`: the
    scheme already chosen for this census, with the counts it was chosen on."""
    if coded is None:
        codes = SchemeCodes(census.rows, census.weights)
        coded = choose_coded(codes), codes
    choice, codes = coded
    groups, index, group_of_row = _grouped(
        generalise_all(census.rows, choice.scheme), [], {}, array("i")
    )
    sizes = [0] * len(groups)
    for group, weight in zip(group_of_row, census.weights, strict=True):
        sizes[group] += weight
    shown_as = [group if sizes[group] >= K else -1 for group in group_of_row]
    of_customer = list(map(shown_as.__getitem__, census.row_of))
    ids = list(itertools.compress(census.ids, map(operator.ge, of_customer, itertools.repeat(0))))
    kept = [g for g in of_customer if g >= 0]
    names = list(map(pseudonymiser(key, choice.scheme.code), ids))
    order = sorted(range(len(ids)), key=names.__getitem__)  # stable: ties stay in id order
    return Release(
        choice,
        Chunked.packed(NAME, "".join(map(names.__getitem__, order)).encode("ascii")),
        Chunked.of("q", array("q", map(ids.__getitem__, order))),
        Chunked.of("i", array("i", map(kept.__getitem__, order))),
        groups,
        index,
        sizes,
        group_of_row,
        codes,
    )


def _grouped(
    generalised: Iterable[tuple[Value, ...]],
    groups: list[tuple[Value, ...]],
    index: dict[tuple[Value, ...], int],
    group_of_row: array[int],
) -> tuple[list[tuple[Value, ...]], dict[tuple[Value, ...], int], array[int]]:
    """`group_of_row` extended with the group of each row's generalised values, new groups
    appended to `groups`; all three returned (changed in place)."""
    for values in generalised:
        group = index.setdefault(values, len(groups))
        if group == len(groups):
            groups.append(values)
        group_of_row.append(group)
    return groups, index, group_of_row


def merged(key: bytes, before: Release, was: Census, now: Census) -> Release:
    """The release of `now` made from `before`, the release of `was`, when both censuses were
    patched from the same full count (`was.rows` a prefix of `now.rows`) and the scheme
    chosen for `now` is the one `before` used; otherwise made afresh (`research_rows`). The
    scheme is chosen on `before`'s counts patched with the rows that changed.

    Only the customers changed since that count can be in another group; a group crossing K
    brings in or takes out its other customers too. Each one taken out is found by its
    pseudonym (bisect), each one brought in placed by it, in new versions of the chunked
    arrays that share every chunk no change falls in: the same release `research_rows(key,
    now)` makes, without a million HMACs or a copy of the arrays."""
    if (
        was.base != now.base
        or len(before.group_of_row) != len(was.rows)
        or not now.rows.extends(was.rows)
    ):
        return research_rows(key, now)
    changes: list[tuple[int, int | None, int | None]] = []  # customer, row then, row now
    deltas: dict[int, int] = {}  # row -> change of its weight
    for customer in sorted(was.since_base | now.since_base):
        then, at = was.row_index(customer), now.row_index(customer)
        if then != at:
            changes.append((customer, then, at))
            if then is not None:
                deltas[then] = deltas.get(then, 0) - 1
            if at is not None:
                deltas[at] = deltas.get(at, 0) + 1
    if not changes and len(now.rows) == len(was.rows):
        return before  # no one's row moved (an address within its prefecture): the same rows
    codes = before.codes.patched(now.rows, deltas)
    choice = choose_coded(codes)
    if choice.scheme != before.choice.scheme:
        return research_rows(key, now, (choice, codes))
    appended = generalise_all(now.rows[len(was.rows) :], choice.scheme)
    groups, index = before.groups, before.group_index  # shared unless a group is new
    if any(values not in index for values in appended):
        groups, index = list(groups), dict(index)
    groups, index, group_of_row = _grouped(appended, groups, index, array("i", before.group_of_row))
    sizes = before.sizes + [0] * (len(groups) - len(before.sizes))
    moved: dict[int, tuple[int, int]] = {}  # customer -> (group then, group now); -1: none
    for customer, then, at in changes:
        pair = (-1 if then is None else group_of_row[then], -1 if at is None else group_of_row[at])
        if pair[0] != pair[1]:
            moved[customer] = pair
            if pair[0] >= 0:
                sizes[pair[0]] -= 1
            if pair[1] >= 0:
                sizes[pair[1]] += 1

    def shown_before(group: int) -> bool:
        return 0 <= group < len(before.sizes) and before.sizes[group] >= K

    def shown_now(group: int) -> bool:
        return group >= 0 and sizes[group] >= K

    touched = {g for pair in moved.values() for g in pair if g >= 0}
    crossed = {g for g in touched if shown_before(g) != shown_now(g)}
    out = {c for c, (then, _) in moved.items() if shown_before(then)}
    brought = [(c, at) for c, (_, at) in moved.items() if shown_now(at)]
    if crossed:  # the groups' other customers follow them (by row: `Census.customers_of`)
        rows = set(itertools.compress(itertools.count(), map(crossed.__contains__, group_of_row)))
        for customer, row in now.customers_of(rows):
            if customer not in moved:
                group = group_of_row[row]
                if shown_before(group):
                    out.add(customer)
                else:
                    brought.append((customer, group))
    pseudonym = pseudonymiser(key, choice.scheme.code)

    def name(customer: int) -> bytes:
        return pseudonym(customer).encode("ascii")

    taken = sorted(before.names.bisect_left(name(c)) for c in out)
    if sorted(before.ids[p] for p in taken if p < len(before)) != sorted(out):
        return research_rows(key, now, (choice, codes))  # not where it should be: start over
    placed = sorted((name(c), c, g) for c, g in brought)
    # Positions in the release before; at one position, a row brought in goes before the
    # row taken out (False < True), as `Chunked.spliced` wants its edits.
    cuts = list(
        heapq.merge(
            ((p, True, b"", 0, 0) for p in taken),
            ((before.names.bisect_left(n), False, n, c, g) for n, c, g in placed),
        )
    )
    return Release(
        choice,
        before.names.spliced([(p, take, n) for p, take, n, _, _ in cuts]),
        before.ids.spliced([(p, take, c) for p, take, _, c, _ in cuts]),
        before.values.spliced([(p, take, g) for p, take, _, _, g in cuts]),
        groups,
        index,
        sizes,
        group_of_row,
        codes,
    )


def _range(value: Value) -> IntRange | None:
    return IntRange(low=value[0], high=value[1]) if isinstance(value, tuple) else None


def _record(name: str, customer_id: int, values: tuple[Value, ...]) -> ResearchRecord:
    birth, postal, address, plan, fee, options = values
    return ResearchRecord(
        pseudonym=name,
        plan=ResearchPlan(plan) if isinstance(plan, str) else None,
        monthly_fee=_range(fee),
        option_count=_range(options),
        birth_date=str(birth),
        postal_code=str(postal),
        address=str(address),
        row_id=customer_id,
    )


def describe(choice: Choice) -> ResearchGeneralisation:
    scheme = choice.scheme
    steps = [ResearchStep(field=q.value, step=scheme.step_name(q)) for q in QUASI]
    return ResearchGeneralisation(k=K, scheme=scheme.code, steps=steps)
