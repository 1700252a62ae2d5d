"""The next research answer after a change patches the census with the customers whose rows
changed (P5.F, migration 0027), instead of reading a million again: the change log records
whose row each change touched, and the patched census is the one a full count gives. Where
the log cannot say (an option's fee moves every subscriber's; the compaction's row; more
customers than MOST_PATCHED), everyone is counted again."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import threading
from array import array
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext

from models import Contract, Customer, OptionService, OptionSubscription
from models.contracts import Plan
from resolvers.research import chunked, counts, population, rows, snapshot, version
from resolvers.research.aggregate import KEYS, tally
from resolvers.research.chunked import Chunked
from resolvers.research.population import Census, Rows, census, patched
from resolvers.research.release import ALL_SCHEMES, K, Row, SchemeCodes, choose_coded
from resolvers.research.rows import Release, merged, research_rows
from resolvers.research.snapshot import current_census, current_release
from tests.conftest import PG_URL
from tests.resolvers.research.helpers import seed_realistic
from tests.resolvers.research.test_snapshot import KEY, _shown
from tests.resolvers.test_query_plans import full_scans, generic_plan

Change = Callable[[], Awaitable[object]]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Censuses and releases of a few hundred customers in many chunks (resolvers/research/
    chunked.py), so that patches and merges cross, split and empty chunks."""
    monkeypatch.setattr(chunked, "CHUNK", 8)


@pytest.fixture
def counted_in_full(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the snapshot counted every customer (the patch does not)."""
    calls: list[int] = []

    async def counting() -> Census:
        calls.append(1)
        return await census()

    monkeypatch.setattr(snapshot, "census", counting)
    return calls


def _members(counted: Census) -> list[tuple[int, object]]:
    return [(m.customer_id, m.row) for m in counted.members()]


def _consistent(counted: Census) -> None:
    """Each row's weight is how many customers have it; every customer's row is listed."""
    assert list(counted.ids) == sorted(set(counted.ids))
    having = Counter(counted.row_of)
    assert list(counted.weights) == [having[i] for i in range(len(counted.rows))]
    assert counted.unused == list(counted.weights).count(0)
    assert {row: i for i, row in enumerate(counted.rows)} == counted.index | counted.appended


@pytest.fixture
def released_afresh(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many releases were made afresh (not merged from the one before)."""
    calls: list[int] = []

    def counting(key: bytes, counted: Census, choice: Any = None) -> Release:
        calls.append(1)
        return research_rows(key, counted, choice)

    monkeypatch.setattr(snapshot, "research_rows", counting)
    monkeypatch.setattr(rows, "research_rows", counting)
    return calls


async def _after(change: Change, full: list[int], afresh: list[int] | None = None) -> Census:
    """The census kept after `change`, checked against a full count of the same data; and the
    release, merged from the one before where the scheme stands."""
    released = await current_release(KEY)
    before = await current_census()
    tallied = {d: dict(tally(before, d)) for d in KEYS}
    made = len(full)
    await change()
    after = await current_census()
    fresh = await census()
    assert _members(after) == _members(fresh)
    assert _members(after) != _members(before)  # so the comparison above can fail
    _consistent(after)
    for dimension in KEYS:  # carried over, not counted again: the same as counted afresh
        assert dimension in after.tallies
        assert {k: n for k, n in tally(after, dimension).items() if n} == {
            k: n for k, n in tally(fresh, dimension).items() if n
        }
    assert tallied == {d: dict(tally(before, d)) for d in KEYS}  # the old one untouched
    made_afresh = len(afresh or [])
    answer = await current_release(KEY)
    assert _shown(answer) == _shown(research_rows(KEY, fresh))
    assert len(full) == made, "patched, not counted in full"
    if afresh is not None and answer.choice.scheme == released.choice.scheme:
        assert len(afresh) == made_afresh, "merged, not made afresh"
    return after


async def _customer(n: int = 0) -> Customer:
    customer = await Customer.all().order_by("id").offset(n).first()
    assert customer is not None
    return customer


async def _signed() -> Contract:
    contract = await Contract.filter(cancelled_on__isnull=True).order_by("id").first()
    assert contract is not None
    return contract


CHANGES: dict[str, Change] = {}


def change(function: Change) -> Change:
    CHANGES[function.__name__] = function
    return function


@change
async def an_address() -> None:
    customer = await _customer(3)
    await Customer.filter(id=customer.id).update(
        address="大阪府大阪市北区1", postal_code="530-0001"
    )


@change
async def a_birth_date() -> None:
    await Customer.filter(id=(await _customer(5)).id).update(birth_date="1931-02-03")


@change
async def a_new_customer() -> None:
    await Customer.create(name="新 規", birth_date="2001-01-01", postal_code="060-0001")


@change
async def a_removed_customer() -> None:
    signed = await Contract.all().values_list("customer_id", flat=True)
    prospect = await Customer.exclude(id__in=list(signed)).order_by("id").first()
    assert prospect is not None  # one customer in 20 has no contract yet
    await Customer.filter(id=prospect.id).delete()


@change
async def a_new_contract() -> None:
    signed = await Contract.filter(cancelled_on__isnull=True).values_list("customer_id", flat=True)
    prospect = await Customer.exclude(id__in=list(signed)).order_by("id").first()
    assert prospect is not None
    await Contract.create(
        customer=prospect, plan=Plan.PREMIUM, monthly_fee=11_000, started_on=date.today()
    )


@change
async def a_cancelled_contract() -> None:
    await Contract.filter(id=(await _signed()).id).update(cancelled_on=date.today())


@change
async def a_new_option() -> None:
    contract = await _signed()
    taken = await OptionSubscription.filter(contract_id=contract.id).values_list(
        "option_id", flat=True
    )
    option = await OptionService.exclude(id__in=list(taken)).order_by("id").first()
    assert option is not None
    await OptionSubscription.create(contract=contract, option=option, started_on=date.today())


@change
async def several_at_once() -> None:
    for n in range(4):
        await Customer.filter(id=(await _customer(10 + n)).id).update(birth_date=f"194{n}-05-05")
    await Customer.create(name="新 規", birth_date="1977-07-07", postal_code="900-0001")


@pytest.mark.parametrize("name", sorted(CHANGES))
async def test_the_next_census_is_patched_as_a_full_count_would_make_it(
    db: TortoiseContext, counted_in_full: list[int], released_afresh: list[int], name: str
) -> None:
    await seed_realistic(300)
    await _after(CHANGES[name], counted_in_full, released_afresh)


async def test_a_change_the_log_cannot_place_counts_everyone(
    db: TortoiseContext, counted_in_full: list[int]
) -> None:
    """An option's fee is every subscriber's fee: the log says NULL, everyone is read again."""
    await seed_realistic(300)
    before = await current_census()
    subscribed = await OptionSubscription.filter(cancelled_on__isnull=True).first()
    assert subscribed is not None
    option = await OptionService.get(id=subscribed.option_id)
    await OptionService.filter(id=option.id).update(monthly_fee=option.monthly_fee + 700)
    made = len(counted_in_full)
    after = await current_census()
    assert len(counted_in_full) == made + 1
    assert _members(after) == _members(await census()) != _members(before)


async def test_more_changes_than_are_patched_count_everyone(
    db: TortoiseContext, counted_in_full: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_realistic(200)
    monkeypatch.setattr(snapshot, "MOST_PATCHED", 2)
    await current_census()
    for n in range(2):
        await Customer.filter(id=(await _customer(n)).id).update(birth_date="1955-01-01")
    made = len(counted_in_full)
    await current_census()
    assert len(counted_in_full) == made  # two: patched
    for n in range(3):
        await Customer.filter(id=(await _customer(n)).id).update(birth_date="1966-01-01")
    await current_census()
    assert len(counted_in_full) == made + 1  # three: counted in full


@pytest.mark.parametrize("kept", [1, 10**6])
async def test_a_census_held_below_the_compactions_cut_counts_everyone(
    db: TortoiseContext, counted_in_full: list[int], monkeypatch: pytest.MonkeyPatch, kept: int
) -> None:
    """Compaction deletes the rows below its cut, and its row says where it cut: a census held
    from a version below it counts everyone (the rows naming whose row changed are gone);
    one held above it is patched with the changes kept, as a full count would make it."""
    monkeypatch.setattr(version, "KEPT_CHANGES", kept)
    await seed_realistic(100)
    await current_census()
    for n, born in enumerate(("1944-01-01", "1955-05-05")):  # two changes: the first cut
        await Customer.filter(id=(await _customer(n)).id).update(birth_date=born)
    await version.compact()
    made = len(counted_in_full)
    patched_now = await current_census()
    assert len(counted_in_full) == made + (1 if kept == 1 else 0)
    assert _members(patched_now) == _members(await census())


async def test_the_log_names_whose_row_changed(db: TortoiseContext) -> None:
    """Each table's change is recorded under its customer; a change of an option's fee as
    NULL (anyone's)."""
    await seed_realistic(50)
    contract = await _signed()
    subscription = await OptionSubscription.filter(
        cancelled_on__isnull=True, contract__customer_id__gt=contract.customer_id
    ).first()
    assert subscription is not None
    subscriber = (await Contract.get(id=subscription.contract_id)).customer_id
    moved = await Customer.filter(id__gt=subscriber).exclude(id=contract.customer_id).first()
    assert moved is not None
    held = await version.read()
    await Customer.filter(id=moved.id).update(postal_code="999-9999")
    await Contract.filter(id=contract.id).update(monthly_fee=1)
    await OptionSubscription.filter(id=subscription.id).update(cancelled_on=date.today())
    await Customer.filter(id=(await _customer(8)).id).update(phone="090-1111-2222")  # not read
    whose = await version.changed_since(held, 100)
    assert whose == frozenset({moved.id, contract.customer_id, subscriber})
    assert await version.changed_since(held, 2) is None  # more than asked for
    await OptionService.filter(id=subscription.option_id).update(monthly_fee=1)
    assert await version.changed_since(held, 100) is None


def test_rows_shared_and_appended_read_as_one_list() -> None:
    """`Rows` (a full count's rows, then those appended since) indexes, slices and iterates as
    the list it stands for, whichever part an index or a slice falls in."""
    counted: list[Row] = [(str(i),) * 6 for i in range(10)]
    for extra in (0, 3, 12):
        appended: tuple[Row, ...] = tuple((f"a{i}",) * 6 for i in range(extra))
        rows, whole = Rows(counted, appended), counted + list(appended)
        assert len(rows) == len(whole) and list(rows) == whole
        assert [rows[i] for i in range(-len(whole), len(whole))] == [
            whole[i] for i in range(-len(whole), len(whole))
        ]
        for start in range(-3, len(whole) + 2):
            for stop in range(-3, len(whole) + 2):
                assert rows[start:stop] == whole[start:stop], (extra, start, stop)
        assert rows[::2] == whole[::2]
        assert Rows(counted, (*appended, counted[0])).extends(rows)
        assert not Rows(list(counted), appended).extends(rows)  # another full count's list


def test_a_patch_matches_a_count_of_the_changed_population() -> None:
    """Many random patches, each against the census counted afresh from the result."""
    rng = random.Random(7)  # noqa: S311 - reproducible test data
    shapes = [(str(rng.randrange(5)), str(rng.randrange(3))) for _ in range(12)]
    people: dict[int, Any] = {i: rng.choice(shapes) for i in range(1, 300, 2)}
    counted = first = _count(people)
    first_rows, first_index = list(first.rows), dict(first.index)
    for _ in range(40):
        changed = set(rng.sample(range(0, 320), rng.randrange(0, 30)))
        for customer in changed:
            if rng.random() < 0.3:
                people.pop(customer, None)
            else:
                people[customer] = rng.choice([*shapes, (str(rng.random()), "x")])
        now = {c: people[c] for c in changed if c in people}
        patch = patched(counted, changed, now)
        # The full count's rows and their index are shared, not copied (nor changed).
        assert patch.census.rows.counted is first.rows.counted == first_rows
        assert patch.census.index is first.index == first_index
        assert patch.census.rows.extends(counted.rows)
        counted = patch.census
        _consistent(counted)
        assert _members(counted) == sorted(people.items())


def _nonzero(sizes: dict[Any, int]) -> dict[Any, int]:
    return {k: n for k, n in sizes.items() if n}


def _count(people: dict[int, Any]) -> Census:
    rows = list(dict.fromkeys(people[c] for c in sorted(people)))
    index = {row: i for i, row in enumerate(rows)}
    row_of = array("I", (index[people[c]] for c in sorted(people)))
    weights = Chunked.of("q", [Counter(row_of)[i] for i in range(len(rows))])
    ids = Chunked.of("q", sorted(people))
    return Census(Rows(rows), weights, ids, Chunked.of("I", row_of), index)


async def test_a_census_whose_rows_are_mostly_gone_is_counted_again(
    db: TortoiseContext, counted_in_full: list[int]
) -> None:
    """Each patch leaves the rows no customer has any more; once they are more than half,
    the next census is a full count (which drops them)."""
    await seed_realistic(10)
    ids = await Customer.all().values_list("id", flat=True)
    first = await current_census()
    assert len(first.rows) == len(ids)  # every customer's row distinct
    rounds = []
    for year in (1931, 1932, 1933):
        made = len(counted_in_full)
        for customer in ids:
            await Customer.filter(id=customer).update(birth_date=f"{year}-01-01")
        counted = await current_census()
        rounds.append(len(counted_in_full) > made)
        _consistent(counted)
    # rows / unused before each round: 10 / 0, 20 / 10 (half), 30 / 20 (more than half)
    assert rounds == [False, False, True]
    assert len((await current_census()).rows) == len(ids)


async def test_the_patch_reads_only_the_changed_customers(db: TortoiseContext) -> None:
    await seed_realistic(100)
    before = await census()
    moved = (await _customer(4)).id
    await Customer.filter(id=moved).update(birth_date="1933-03-03")
    statements: list[str] = []
    conn: Any = get_connection("default")
    execute = conn.execute_query

    async def logged(sql: str, values: list[Any] | None = None) -> Any:
        statements.append(sql)
        return await execute(sql, values)

    conn.execute_query = logged
    try:
        patch = await population.patched_census(before, frozenset({moved}))
    finally:
        del conn.execute_query
    assert len(statements) == 2 and all("customer_id" in s or "WHERE id" in s for s in statements)
    assert patch.left and patch.joined and patch.left[0] != patch.joined[0]


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL commits change rows out of id order")
async def test_a_change_committed_after_a_later_one_is_patched_in(
    db: TortoiseContext, counted_in_full: list[int]
) -> None:
    """A takes change id n and is still running when B's n + 1 is counted; A's row, numbered
    below the version held, is found by A's transaction id, and A's customer patched in."""
    await seed_realistic(100)
    first, second = (await _customer(1)).id, (await _customer(2)).id
    client: Any = get_connection("default")
    async with client.acquire_connection() as a, client.acquire_connection() as b:
        writer = a.transaction()
        await writer.start()
        await a.execute("UPDATE customer SET birth_date = '1950-06-01' WHERE id = $1", first)
        await b.execute("UPDATE customer SET address = '京都府京都市1' WHERE id = $1", second)
        while_pending = _members(await current_census())
        await writer.commit()
    made = len(counted_in_full)
    after = await current_census()
    assert _members(after) == _members(await census()) != while_pending
    assert len(counted_in_full) == made


async def test_a_merged_release_is_the_one_made_afresh(db: TortoiseContext) -> None:
    """Random patches of a realistic census (customers moved between its rows, added and
    removed), each release merged from the one before and compared with one made afresh:
    groups crossing K bring in and take out their other customers."""
    await seed_realistic(400)
    counted = await census()
    pool, rng = list(counted.rows), random.Random(11)  # noqa: S311 - reproducible test data
    release, crossings, merges = research_rows(KEY, counted), 0, 0
    for _ in range(30):
        ids = list(counted.ids)
        changed = set(rng.sample(ids, 6)) | {max(ids) + 1 + n for n in range(rng.randrange(3))}
        now = {c: rng.choice(pool) for c in changed if rng.random() < 0.8}
        patch = patched(counted, changed, now)
        fresh, made = research_rows(KEY, patch.census), merged(KEY, release, counted, patch.census)
        assert _shown(made) == _shown(fresh) and made.choice == fresh.choice
        assert list(made.ids) == list(fresh.ids) and made.names == fresh.names
        if made.choice.scheme == release.choice.scheme:
            merges += 1
            assert made.groups is release.groups  # rows from the pool: no group is new
            kept = {g for g, size in enumerate(release.sizes) if size >= K}
            crossings += kept != {g for g, size in enumerate(made.sizes) if size >= K}
        counted, release = patch.census, made
    assert merges >= 20 and crossings >= 5  # so both paths were taken


@pytest.mark.parametrize(
    ("moved_rows", "merged_changes", "flatten_rows"),
    [(counts.MOVED_ROWS, 0, 10**9), (counts.MOVED_ROWS, 0, 0), (0, 10**9, 10**9)],
)
async def test_patched_scheme_counts_are_those_counted_afresh(
    db: TortoiseContext,
    monkeypatch: pytest.MonkeyPatch,
    moved_rows: int,
    merged_changes: int,
    flatten_rows: int,
) -> None:
    """The scheme search's counts (pair bounds, groupings kept, released rows per scheme)
    patched with the rows whose weights moved equal those counted from the new census: each
    row's groups moved, or (past MOVED_ROWS) the pairs counted again from the joint counts;
    the groupings kept shared with their changes beside them, or (past MERGED_CHANGES) merged
    into one new dict; the joint and pair counts as layers over the version before's (three
    at most here, then flattened), or flattened at every patch; the version before unchanged."""
    monkeypatch.setattr(counts, "MOVED_ROWS", moved_rows)
    monkeypatch.setattr(counts, "MERGED_CHANGES", merged_changes)
    monkeypatch.setattr(counts, "FLATTEN_ROWS", flatten_rows)
    monkeypatch.setattr(counts, "LAYERS", 3)
    await seed_realistic(300)
    counted = await census()
    codes, rng = SchemeCodes(counted.rows, counted.weights), random.Random(5)  # noqa: S311
    choose_coded(codes)  # groupings kept, to be patched too
    pool = list(counted.rows)
    for _ in range(8):
        ids = list(counted.ids)
        changed = set(rng.sample(ids, 9)) | {max(ids) + 1}
        now = {c: rng.choice([*pool, (*rng.choice(pool)[:5], "99")]) for c in changed}
        patch = patched(counted, changed, now)
        deltas: Counter[int] = Counter()
        for customer in changed:
            then, at = counted.row_index(customer), patch.census.row_index(customer)
            deltas.update({} if then is None else {then: -1})
            deltas.update({} if at is None else {at: 1})
        cells_before = {c: _nonzero(sizes.flat()) for c, sizes in codes.cells.items()}
        joints_before = {p: _nonzero(sizes.flat()) for p, sizes in codes.joints.items()}
        new = codes.patched(patch.census.rows, dict(deltas))
        fresh = SchemeCodes(patch.census.rows, patch.census.weights)
        assert new.pairs == fresh.pairs
        assert {c: _nonzero(sizes.flat()) for c, sizes in new.cells.items()} == {
            c: _nonzero(sizes.flat()) for c, sizes in fresh.cells.items()
        }
        assert {p: _nonzero(sizes.flat()) for p, sizes in new.joints.items()} == {
            p: _nonzero(sizes.flat()) for p, sizes in fresh.joints.items()
        }
        assert all(len(sizes.layers) <= 3 for sizes in (*new.cells.values(), *new.joints.values()))
        assert {c: _nonzero(sizes.flat()) for c, sizes in codes.cells.items()} == cells_before
        assert {p: _nonzero(sizes.flat()) for p, sizes in codes.joints.items()} == joints_before
        assert new.groupings and new.released_counts
        shared = [new.groupings[s] is codes.groupings.get(s) for s in new.groupings]
        assert all(shared) if not merged_changes else not any(shared)
        for steps in list(new.groupings):
            assert _nonzero(new.grouped(steps)) == _nonzero(fresh.grouped(steps))
        for steps, released in new.released_counts.items():
            assert released == fresh.released(steps)
        for scheme in rng.sample(ALL_SCHEMES, 40):
            assert new.released(scheme) == fresh.released(scheme)
        assert choose_coded(new) == choose_coded(fresh)
        assert codes.pairs == SchemeCodes(counted.rows, counted.weights).pairs  # untouched
        counted, codes = patch.census, new


async def test_a_release_asked_while_the_last_is_made_is_merged_from_it(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changes in quick succession: the next release waits for the one being made and merges
    from it, rather than making its own from scratch meanwhile."""
    await seed_realistic(200)
    await current_release(KEY)
    gate, started = threading.Event(), threading.Event()
    merges: list[int] = []
    afresh: list[int] = []
    merge, make = rows.merged, rows.research_rows

    def held(*args: Any) -> Release:
        merges.append(1)
        started.set()
        gate.wait(10)
        return merge(*args)

    def counted(*args: Any) -> Release:
        afresh.append(1)
        return make(*args)

    monkeypatch.setattr(snapshot, "merged", held)
    monkeypatch.setattr(snapshot, "research_rows", counted)
    await Customer.filter(id=(await _customer(1)).id).update(birth_date="1940-01-01")
    first = asyncio.ensure_future(current_release(KEY))
    assert await asyncio.to_thread(started.wait, 10)
    await Customer.filter(id=(await _customer(2)).id).update(birth_date="1941-01-01")
    second = asyncio.ensure_future(current_release(KEY))
    await asyncio.sleep(0.1)
    assert len(merges) == 1 and not afresh  # waiting for the first
    gate.set()
    await first
    answer = await second
    assert len(merges) == 2 and not afresh
    assert _shown(answer) == _shown(research_rows(KEY, await census()))


async def test_everyone_is_counted_again_once_many_changed_since_the_last_count(
    db: TortoiseContext, counted_in_full: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_realistic(100)
    monkeypatch.setattr(snapshot, "MOST_SINCE_COUNT", 3)
    first = await current_census()
    counts = []
    for n in range(3):
        await Customer.filter(id=(await _customer(2 * n)).id).update(birth_date="1950-01-01")
        await Customer.filter(id=(await _customer(2 * n + 1)).id).update(birth_date="1951-01-01")
        counted = await current_census()
        counts.append((len(counted_in_full), len(counted.since_base), counted.base == first.base))
    made = counts[0][0]
    # 2 changed since the count, then 4 (patched: the census held had 2), then counted again
    assert counts == [(made, 2, True), (made, 4, True), (made + 1, 0, False)]


async def test_a_row_moved_to_another_customer_names_both(db: TortoiseContext) -> None:
    await seed_realistic(50)
    contract = await _signed()
    other = await Customer.exclude(id=contract.customer_id).order_by("id").first()
    assert other is not None
    held = await version.read()
    await Contract.filter(id=contract.id).update(customer_id=other.id)
    assert await version.changed_since(held, 100) == frozenset({contract.customer_id, other.id})


async def test_a_release_not_as_it_should_be_is_made_afresh(db: TortoiseContext) -> None:
    """The merge finds each customer it takes out by pseudonym; found elsewhere (a release
    not sorted as it says), it makes the release from scratch instead of a wrong one."""
    await seed_realistic(200)
    counted = await census()
    made = research_rows(KEY, counted)
    jumbled = dataclasses.replace(made, ids=Chunked.of("q", reversed(made.ids)))
    gone = made.ids[0]
    patch = patched(counted, {gone}, {})
    answer = merged(KEY, jumbled, counted, patch.census)
    assert _shown(answer) == _shown(research_rows(KEY, patch.census))
    assert gone not in set(answer.ids)


async def test_a_release_is_not_merged_into_a_census_patched_on_another_branch(
    db: TortoiseContext,
) -> None:
    """Two censuses patched from the same one, each appending its own new row: the release of
    one is not merged into the other (their appended rows differ at the same positions); the
    answer is the release made afresh."""
    await seed_realistic(200)
    counted = await census()
    release = research_rows(KEY, counted)
    group = release.group_of_row
    first = counted.rows[0]
    second = next(counted.rows[r] for r in range(len(counted.rows)) if group[r] != group[0])
    a, b = counted.ids[0], counted.ids[1]  # each given a new row like one of two groups
    one = patched(counted, {a}, {a: (*first[:4], int(str(first[4])) + 1, first[5])}).census
    other = patched(counted, {b}, {b: (*second[:4], int(str(second[4])) + 1, second[5])}).census
    assert one.base == other.base and len(one.rows) == len(other.rows)
    answer = merged(KEY, research_rows(KEY, one), one, other)
    fresh = research_rows(KEY, other)
    assert _shown(answer) == _shown(fresh) and answer.names == fresh.names
    assert list(answer.group_of_row) == list(fresh.group_of_row)
    assert merged(KEY, release, counted, other).names == fresh.names  # a true prefix merges


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL plans")
async def test_the_change_log_is_read_by_index(db: TortoiseContext) -> None:
    """research_change grows by a row per changed customer until the purge compacts it: the
    read of whose rows changed since a version takes index ranges, even as a generic plan."""
    plan = await generic_plan(version._SINCE["postgres"])
    assert full_scans(plan) == [], plan
    assert "research_change_xid_customer" in json.dumps(plan)


async def test_a_change_research_does_not_see_keeps_the_release(db: TortoiseContext) -> None:
    """An address moved within its prefecture: the trigger records it (the column changed),
    the census is patched, and no one's research row moved: the release made stands."""
    await seed_realistic(100)
    made = await current_release(KEY)
    moved = await _customer(6)
    await Customer.filter(id=moved.id).update(address=f"{moved.address}別館")
    assert (await current_census()).since_base == {moved.id}
    assert await current_release(KEY) is made


@pytest.mark.parametrize("scan_since", [0, population.SCAN_SINCE])
def test_customers_of_rows_are_found_by_row_as_by_looking_at_everyone(
    scan_since: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Census.customers_of` reads the full count's customers by row, minus those changed
    since, plus each changed one where it is now (with 0: however many changed; with the
    default, past a fortieth of these 300 customers it looks at everyone): the same customers
    a look at everyone finds, through patches that move customers between rows, onto new
    rows, in and out."""
    monkeypatch.setattr(population, "SCAN_SINCE", scan_since)
    rng = random.Random(5)  # noqa: S311 - reproducible test data, not secrets

    def customer(i: int) -> population.Customer:
        born = date(1950 + rng.randrange(30), 1 + rng.randrange(12), 1)
        return (
            i,
            born,
            f"{rng.randrange(100, 104)}-0000",
            rng.choice(["東京都 新宿区", "大阪府 北区"]),
        )

    now = population.counted([customer(i) for i in range(1, 300)], {})
    assert now.by_row is not None
    for step in range(60):
        ids = list(now.ids)
        changed = set(rng.sample(ids, 4)) | {1000 + step}  # one customer new
        rows = list(now.rows)
        moved: dict[int, Row] = {}
        for c in changed:
            if rng.random() < 0.8:  # else erased
                new_row = (f"{1800 + step}-**-**", *rows[0][1:])  # a row not seen before
                moved[c] = rng.choice(rows) if rng.random() < 0.7 else new_row
        now = patched(now, changed, moved).census
        wanted = set(rng.sample(range(len(now.rows)), 12)) | set(now.row_of[:3])
        looked = dataclasses.replace(now, by_row=None).customers_of(wanted)
        assert looked and sorted(now.customers_of(wanted)) == sorted(looked)
