"""Time windows over the audit: exact answers from id ranges (resolvers/audit/window.py), and
the store's bound that makes them exact (a write later than MAX_WRITE_DELAY is refused)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from directives.audit import (
    MAX_WRITE_DELAY,
    AuditBuffer,
    AuditHeader,
    AuditWriteTooLate,
    TortoiseAuditStore,
    insert_rows,
)
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditRequest
from resolvers.audit.window import MARGIN, id_window
from tests.conftest import World, run

NOW = datetime.now(UTC).replace(microsecond=0)
D = MAX_WRITE_DELAY
EVENTS = """query E($f: AuditFilter, $after: String) @purpose(code: D) {
  auditEvents(filter: $f, first: 2, after: $after) {
    nodes { requestId } pageInfo { endCursor hasNextPage } } }"""


def _header(at: datetime, actor: str = "t-support") -> AuditHeader:
    return AuditHeader(
        request_id=str(uuid.uuid4()),
        at=at,
        actor=actor,
        role="SUPPORT",
        purpose="C",
        operation_name="Q",
        client_address="203.0.113.7",
        policy_version="test",
    )


def _buffer() -> AuditBuffer:
    return AuditBuffer(entries=[("Customer", 1, "Customer", "name:CLEAR")])


# Written in this order (ids ascending): times disagree with id order by up to 2 D, as two
# writes each up to D late or early may (and no pair by more: `test_the_history_is_possible`).
# Before NOW.
HISTORY = [
    timedelta(days=30),
    timedelta(days=3),
    timedelta(days=2) + D,  # written before the next one, dated 2 D before it
    timedelta(days=2) - D,
    timedelta(days=2),
    timedelta(days=2) + D - timedelta(seconds=1),  # dated 2 D - 1 s before the last but one
    timedelta(days=1),
    timedelta(hours=1),
]


def test_the_history_is_possible() -> None:
    """Each row was inserted within D of its time, ids in insertion order: no later row is
    dated more than 2 D before an earlier one."""
    dated = [NOW - ago for ago in HISTORY]
    assert all(later >= earlier - 2 * D for n, earlier in enumerate(dated) for later in dated[n:])


async def _history() -> list[tuple[str, datetime]]:
    """Past records as they were written then: inserted directly (the store refuses, now,
    a record dated days ago)."""
    written = []
    for ago in HISTORY:
        header = _header(NOW - ago)
        async with in_transaction() as conn:
            await insert_rows(conn, header, _buffer())
        written.append((header.request_id, header.at))
    return written


async def _listed(schema: PrivacySchema, world: World, where: dict[str, str]) -> list[str]:
    seen, after = [], None
    while True:
        variables = {"f": where, "after": after}
        result, _ = await run(schema, EVENTS, world.caller(Role.AUDITOR), variables=variables)
        assert result.errors is None, result.errors
        page = result.data["auditEvents"]  # type: ignore[index]
        seen += [node["requestId"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


BACK = """query E($f: AuditFilter, $before: String) @purpose(code: D) {
  auditEvents(filter: $f, last: 2, before: $before) {
    nodes { requestId } pageInfo { startCursor hasPreviousPage } } }"""


async def _listed_back(schema: PrivacySchema, world: World, where: dict[str, str]) -> list[str]:
    """Paged backward from the oldest: the same rows, pages met in the other order."""
    pages: list[list[str]] = []
    before = None
    while True:
        variables = {"f": where, "before": before}
        result, _ = await run(schema, BACK, world.caller(Role.AUDITOR), variables=variables)
        assert result.errors is None, result.errors
        page = result.data["auditEvents"]  # type: ignore[index]
        pages.insert(0, [node["requestId"] for node in page["nodes"]])
        if not page["pageInfo"]["hasPreviousPage"]:
            return [request_id for shown in pages for request_id in shown]
        before = page["pageInfo"]["startCursor"]


WINDOWS = [
    {"since": timedelta(days=2)},
    {"until": timedelta(days=2)},
    {"since": timedelta(days=2) + D, "until": timedelta(days=2) - D},
    {"since": timedelta(days=2) + timedelta(seconds=1), "until": timedelta(days=1)},
    {"since": timedelta(days=40)},
    {"until": timedelta(days=40)},
    {"since": timedelta(minutes=1)},
    {"until": timedelta(minutes=-1)},
]


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: ",".join(w))
async def test_a_time_window_lists_exactly_its_records(
    schema: PrivacySchema, world: World, window: dict[str, timedelta]
) -> None:
    written = await _history()
    bounds = {key: NOW - ago for key, ago in window.items()}
    expected = [
        request_id
        for request_id, at in reversed(written)  # newest first
        if bounds.get("since", at) <= at and at < bounds.get("until", at + D)
    ]
    where = {key: value.isoformat() for key, value in bounds.items()}
    assert await _listed(schema, world, where) == expected
    assert await _listed(schema, world, {**where, "actor": "t-support"}) == expected
    assert await _listed(schema, world, {**where, "actor": "t-nobody"}) == []
    assert await _listed_back(schema, world, where) == expected
    assert await _listed_back(schema, world, {**where, "actor": "t-support"}) == expected


async def test_the_id_bounds_leave_out_only_records_outside_the_window(world: World) -> None:
    written = await _history()
    ids = {r.request_id: r.id for r in await AuditRequest.all()}
    since, until = NOW - timedelta(days=2), NOW - timedelta(days=1)
    window = await id_window(since, until)
    assert window.after is not None and window.before is not None
    inside = [ids[request_id] for request_id, at in written if since <= at < until]
    assert inside and all(window.after < pk < window.before for pk in inside)
    # The bounds are rows at least MARGIN outside the window: 3 days ago, and 1 hour ago.
    assert window.after == ids[written[1][0]] and window.before == ids[written[7][0]]
    assert MARGIN == 2 * D


async def test_the_time_is_tested_only_where_the_id_leaves_it_open(world: World) -> None:
    """Above `dated_since` every row is dated `since` or later, below `dated_until` every row
    before `until`; between them and the outer bounds, rows of both kinds (the edges)."""
    written = await _history()
    rows = sorted((r.id, r.at) for r in await AuditRequest.all())
    since, until = NOW - timedelta(days=2), NOW - timedelta(days=1)
    window = await id_window(since, until)
    assert window.dated_since is not None and window.dated_until is not None
    assert all(at >= since for pk, at in rows if pk > window.dated_since)
    assert all(at < until for pk, at in rows if pk < window.dated_until)
    ids = {r.request_id: r.id for r in await AuditRequest.all()}
    # The first row dated since + 2 D or later (1 day ago); the newest dated before until - 2 D
    # (2 days - D ago).
    assert window.dated_since == ids[written[6][0]]
    assert window.dated_until == ids[written[3][0]]
    # Nothing so far out: no id settles the time, the test applies to every row.
    far = await id_window(NOW + timedelta(days=1), NOW - timedelta(days=40))
    assert far.dated_since == 2**63 - 1 and far.dated_until == 0


async def test_the_store_refuses_a_write_later_than_the_bound(world: World) -> None:
    store = TortoiseAuditStore()
    late = _header(datetime.now(UTC) - D - timedelta(seconds=5))
    with pytest.raises(AuditWriteTooLate):
        await store.write(late, _buffer())
    early = _header(datetime.now(UTC) + D + timedelta(seconds=5))
    with pytest.raises(AuditWriteTooLate):
        async with in_transaction():  # a mutation's: the refusal rolls it back
            await store.write(early, _buffer())
    for refused in (late, early):
        assert not await AuditRequest.filter(request_id=refused.request_id).exists()
    on_time = _header(datetime.now(UTC) - D + timedelta(seconds=5))
    await store.write(on_time, _buffer())
    assert await AuditRequest.filter(request_id=on_time.request_id).exists()
