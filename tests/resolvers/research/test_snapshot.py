"""Research answers are computed once per version of the population (P5.F) and never
outlive it: every change to what the population reads (an address, a new contract, an erased
customer) makes the next answer the one a fresh computation gives; a change to anything else
keeps the answer already made; concurrent requests share one computation; the change table
holds no value (whose row changed is kept as an id: see test_patched_census); and on
PostgreSQL a transaction that commits after a later one is still noticed."""

from __future__ import annotations

import asyncio
import gc
from datetime import UTC, date, datetime
from typing import Any

import pytest
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.transactions import in_transaction

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import Contract, Customer
from models.contracts import Plan
from resolvers.research import snapshot, version
from resolvers.research.population import census
from resolvers.research.rows import Release, research_rows
from resolvers.research.snapshot import current_census, current_release
from rights.retention import anonymise_customer, purge
from tests.business_world import Business
from tests.conftest import PG_URL, World, run
from tests.resolvers.research.helpers import data, seed_realistic

KEY = b"k" * 32
RECORDS = """query @purpose(code: F) { researchRecords(first: 1000) {
  generalisation { scheme } nodes { pseudonym plan birthDate postalCode address } } }"""


def _shown(release: Release) -> list[Any]:
    return [(r.pseudonym, r.plan, r.birth_date, r.postal_code, r.address, r.row_id)
            for r in release.records(0, len(release))]  # fmt: skip


async def _fresh() -> list[Any]:
    """The answer computed from scratch, bypassing what is kept."""
    return _shown(research_rows(KEY, await census()))


async def _answer_after(change: Any) -> tuple[Release, Release]:
    before = await current_release(KEY)
    await change()
    after = await current_release(KEY)
    assert _shown(after) == await _fresh()
    assert _shown(after) != _shown(before)  # so the comparison above can fail
    return before, after


async def test_a_changed_address_is_in_the_next_answer(world: World, business: Business) -> None:
    async def move() -> None:
        await Customer.filter(id=world.customers[0].id).update(address="大阪府大阪市北区1")

    _, after = await _answer_after(move)
    assert all(r.address != "東京都 ***" for r in after.records(0, len(after)))


async def test_a_customer_moving_through_the_api_is_in_the_next_answer(
    schema: PrivacySchema, world: World
) -> None:
    """The customer's own change (updateMyRecord) of a column research reads: the change is
    kept (the trigger's row does not make the optimistic check see a conflict) and moves the
    version."""
    before = await version.latest()
    query = """mutation @purpose(code: A) { updateMyRecord(input: {postalCode: "530-0001",
      address: "大阪府大阪市北区梅田1"}) { postalCode } }"""
    result, _ = await run(schema, query, world.caller(Role.CUSTOMER))
    assert result.errors is None, result.errors
    assert (await Customer.get(id=world.customers[0].id)).postal_code == "530-0001"
    assert await version.latest() > before


async def test_a_new_contract_is_in_the_next_answer(db: TortoiseContext) -> None:
    await seed_realistic(300)
    signed = await Contract.filter(cancelled_on__isnull=True).values_list("customer_id", flat=True)
    prospect = await Customer.exclude(id__in=list(signed)).order_by("id").first()
    assert prospect is not None  # one customer in 20 has no contract yet

    async def sign() -> None:
        await Contract.create(
            customer=prospect, plan=Plan.PREMIUM, monthly_fee=11_000, started_on=date.today()
        )

    await _answer_after(sign)


async def test_an_erased_customer_is_in_the_next_answer(world: World, business: Business) -> None:
    async def erase() -> None:
        async with in_transaction() as conn:
            await anonymise_customer(world.customers[2].id, datetime.now(UTC), conn)

    await _answer_after(erase)


async def test_a_removed_customer_is_in_the_next_answer(db: TortoiseContext) -> None:
    await seed_realistic(200)
    prospect = await Customer.create(name="見 込", birth_date="1990-01-01", postal_code="100-0001")

    async def remove() -> None:
        await Customer.filter(id=prospect.id).delete()

    _, after = await _answer_after(remove)
    assert prospect.id not in set(after.ids)


async def test_an_unrelated_change_keeps_the_answer_made(world: World, business: Business) -> None:
    made = await current_release(KEY)
    number = await version.latest()
    customer = await Customer.get(id=world.customers[0].id)
    customer.phone, customer.email = "090-0000-0000", "moved@mail.example"
    await customer.save()  # every column written back: only the watched ones count
    assert await version.latest() == number
    assert await current_release(KEY) is made


async def test_concurrent_requests_share_one_computation(db: TortoiseContext) -> None:
    await seed_realistic(300)
    answers = await asyncio.gather(*(current_release(KEY) for _ in range(6)))
    assert all(a is answers[0] for a in answers)
    counted = await asyncio.gather(*(current_census() for _ in range(6)))
    assert all(c is counted[0] for c in counted)


async def test_pages_through_the_api_reflect_a_change(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    caller = world.caller(Role.ANALYST)
    before = data((await run(schema, RECORDS, caller))[0])["researchRecords"]
    assert data((await run(schema, RECORDS, caller))[0])["researchRecords"] == before
    await Customer.create(name="新 規", birth_date="2001-01-01", postal_code="060-0001")
    after = data((await run(schema, RECORDS, caller))[0])["researchRecords"]
    assert after["generalisation"] != before["generalisation"]
    assert not {n["pseudonym"] for n in before["nodes"]} & {n["pseudonym"] for n in after["nodes"]}


async def test_the_change_table_holds_no_value(world: World, business: Business) -> None:
    """A change's number, its transaction and whose row it was (an id, as the audit keeps a
    subject's), a compaction's cut (an id): never a value."""
    await Customer.filter(id=world.customers[0].id).update(address="北海道札幌市1")
    _, rows = await get_connection("default").execute_query("SELECT * FROM research_change")
    assert rows
    for row in rows:
        assert set(dict(row)) <= {"id", "xid", "customer_id", "cut"}
    assert world.customers[0].id in {dict(r)["customer_id"] for r in rows}
    shown = repr([tuple(dict(r).values()) for r in rows])
    for value in ("北海道", "札幌"):
        assert value not in shown


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL commits change rows out of id order")
async def test_a_change_committed_after_a_later_one_is_noticed(
    world: World, business: Business
) -> None:
    """Transaction A takes change id n, B takes n + 1 and commits; an answer computed now sees
    n + 1 as the version without A's change. A then commits: the maximum stays n + 1, yet the
    next answer must include A's change."""
    client: Any = get_connection("default")
    first, second = world.customers[0].id, world.customers[1].id
    async with client.acquire_connection() as a, client.acquire_connection() as b:
        writer = a.transaction()
        await writer.start()
        await a.execute("UPDATE customer SET birth_date = '1950-06-01' WHERE id = $1", first)
        await b.execute("UPDATE customer SET address = '京都府京都市1' WHERE id = $1", second)
        while_pending = _shown(await current_release(KEY))
        assert all("195" not in str(row) for row in while_pending)
        await writer.commit()
    assert _shown(await current_release(KEY)) == await _fresh()
    assert _shown(await current_release(KEY)) != while_pending


async def test_the_change_log_is_cut_to_its_latest_rows_and_a_version_below_computes_again(
    world: World, business: Business, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`version.compact` (run by the retention purge) keeps research_change's latest
    KEPT_CHANGES rows and records its cut in a row of its own (a new version, so no reader's
    version stays current); a version held from below the cut, or one that saw transactions
    pending, cannot patch (rows it needs may be gone) and computes everyone again; one at or
    above the cut patches with nothing deleted missed."""
    monkeypatch.setattr(version, "KEPT_CHANGES", 2)
    for n in range(3):
        await Customer.filter(id=world.customers[n].id).update(address=f"北海道札幌市{n}")
    held = await version.read()
    before = await current_census()
    conn = get_connection("default")
    _, logged = await conn.execute_query("SELECT id FROM research_change ORDER BY id DESC")
    assert len(logged) > 3
    cut = int(dict(logged[1])["id"])  # the latest two rows kept
    deleted = await version.compact()
    _, rows = await conn.execute_query("SELECT id, cut FROM research_change ORDER BY id")
    kept = [(int(dict(r)["id"]), dict(r)["cut"]) for r in rows]
    assert all(number >= cut and mark is None for number, mark in kept[:-1])
    assert kept[-1] == (await version.latest(), cut) and deleted == len(logged) - 2
    assert await version.still(held) is None  # a reader holding it computes again
    assert await current_census() is not before
    assert await version.changed_since(version.Version(cut - 2), 100) is None  # below the cut
    assert await version.changed_since(version.Version(held.number), 100) == frozenset()
    pending = version.Version(held.number, ("1",))  # a transaction then in progress
    assert await version.changed_since(pending, 100) is None
    unseen = version.Version(held.number, (), ("1", "2"))  # one perhaps, not listed
    assert await version.changed_since(unseen, 100) is None


async def test_the_retention_purge_compacts_the_change_log(
    world: World, business: Business, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(version, "KEPT_CHANGES", 1)
    await Customer.filter(id=world.customers[0].id).update(address="北海道札幌市9")
    await Customer.filter(id=world.customers[1].id).update(address="北海道札幌市8")
    await purge(date.today(), datetime.now(UTC))
    _, rows = await get_connection("default").execute_query(
        "SELECT cut FROM research_change ORDER BY id"
    )
    assert len(rows) == 2 and dict(rows[-1])["cut"] is not None  # the latest and the cut's


@pytest.mark.parametrize("frozen_from", [0, 10**9])
async def test_a_large_full_count_is_frozen_out_of_the_collectors_passes(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch, frozen_from: int
) -> None:
    """From FROZEN_FROM customers, the census and release a full count made are moved to the
    cyclic collector's permanent generation (no pass walks their half-million-entry
    containers again); below it, they stay where the collector put them."""
    monkeypatch.setattr(snapshot, "FROZEN_FROM", frozen_from)
    await seed_realistic(50)
    try:
        counted = await current_census()
        release = await current_release(KEY)
        walked = {id(o) for o in gc.get_objects()}  # every generation but the permanent one
        frozen = id(counted.rows.counted) not in walked and id(release.groups) not in walked
        assert frozen == (frozen_from == 0)
        assert (gc.get_freeze_count() > 0) == frozen
    finally:
        gc.unfreeze()  # the rest of the test run as it was


@pytest.mark.skipif(not PG_URL, reason="only PostgreSQL has transactions pending at a read")
async def test_a_warm_up_lets_go_of_the_transactions_pending_when_it_read(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction in progress when the warm-up read its version, finished by the end of the
    warm-up without a research change, is no longer held: a compaction before the worker's
    first research request would otherwise make that request count everyone again
    (`version.changed_since`)."""
    client: Any = get_connection("default")
    made = snapshot.current_release

    async with client.acquire_connection() as other:
        writer, xid = await _writing_elsewhere(other, world)

        async def then_commit(key: bytes) -> Release:
            release = await made(key)
            read = snapshot._slot().version
            assert read is not None and _held(read, xid)
            await writer.commit()
            return release

        monkeypatch.setattr(snapshot, "current_release", then_commit)
        assert await snapshot.warm(KEY) == len(world.customers)
    held = snapshot._slot().version
    assert held is not None and not _held(held, xid) and held.unseen is None
    assert await version.still(held) == held


async def _writing_elsewhere(other: Any, world: World) -> tuple[Any, str]:
    """A transaction started on `other` with a write research does not read (a phone): it
    holds an xid and leaves no change row. Returns it, open, and its xid."""
    writer = other.transaction()
    await writer.start()
    await other.execute(
        "UPDATE customer SET phone = '0311112222' WHERE id = $1", world.customers[0].id
    )
    return writer, str(await other.fetchval("SELECT pg_current_xact_id()"))


def _held(held: version.Version, xid: str) -> bool:
    """Whether `held` still counts transaction `xid` as pending, listed or in its range."""
    low, high = held.unseen or ("0", "0")
    return xid in held.pending or int(low) <= int(xid) < int(high)


@pytest.mark.skipif(not PG_URL, reason="only PostgreSQL has transactions pending at a read")
async def test_a_transaction_still_running_after_a_warm_up_stays_held(
    world: World,
) -> None:
    """One still running when the warm-up ends stays pending (listed by then, whether its
    read's snapshot named it or not)."""
    client: Any = get_connection("default")
    async with client.acquire_connection() as other:
        writer, xid = await _writing_elsewhere(other, world)
        await snapshot.warm(KEY)
        held = snapshot._slot().version
        assert held is not None and xid in held.pending and held.unseen is None
        await writer.rollback()


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL commits change rows out of id order")
async def test_a_change_of_a_transaction_newer_than_every_finished_one_is_noticed(
    world: World, business: Business
) -> None:
    """A snapshot lists as in progress only transactions older than the newest finished one
    (its xmax): U takes an xid first, T a later one and change id n, U change id n + 1 and
    commits; a version read now is n + 1 with T in progress but not in the snapshot's list.
    T then commits: the maximum stays n + 1, yet the next answer must include T's change."""
    client: Any = get_connection("default")
    first, second = world.customers[0].id, world.customers[1].id
    async with client.acquire_connection() as u, client.acquire_connection() as t:
        older, newer = u.transaction(), t.transaction()
        await older.start()
        await u.execute("UPDATE customer SET phone = '0311112222' WHERE id = $1", second)
        await newer.start()
        await t.execute("UPDATE customer SET birth_date = '1950-06-01' WHERE id = $1", first)
        await u.execute("UPDATE customer SET address = '京都府京都市1' WHERE id = $1", second)
        await older.commit()
        while_pending = _shown(await current_release(KEY))
        assert all("195" not in str(row) for row in while_pending)
        await newer.commit()
    assert _shown(await current_release(KEY)) == await _fresh()
    assert _shown(await current_release(KEY)) != while_pending
