"""Business transfers (P8.3) and the incident register (APPI art. 26) through GraphQL, as
an administrator; auditors see their state. Notices go to a stand-in for the notification
outbox (not on main yet): it records what it was asked to send."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from strawberry.types import ExecutionResult

from directives.context import Caller
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import BusinessTransfer, Customer, ProvisionRecord
from models.third_parties import Ground
from resolvers.context import build_context
from resolvers.third_parties.transfer import months_after
from tests.conftest import World, code_of, run


class Outbox:
    """Stands in for the notification outbox: every user is every customer here."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, tuple[int, ...], dict[str, str]]] = []

    async def to_every_user(self, kind: str, payload: Mapping[str, str], *, now: datetime) -> int:
        ids = tuple(c.id for c in await Customer.all().only("id"))
        self.sent.append((kind, ids, dict(payload)))
        return len(ids)

    async def to_customers(
        self, ids: Sequence[int], kind: str, payload: Mapping[str, str], *, now: datetime
    ) -> int:
        self.sent.append((kind, tuple(ids), dict(payload)))
        return len(ids)


async def _run(
    schema: PrivacySchema, query: str, caller: Caller, outbox: Outbox, **variables: Any
) -> ExecutionResult:
    context = build_context(caller=caller, notices=outbox)
    return await schema.execute(query, variable_values=variables, context_value=context)


PLAN = """mutation P($on: Date!) { planBusinessTransfer(transferee: "株式会社承継先",
  extent: ALL, plannedOn: $on) { id status earliestEffectiveOn } }"""
NOTICE = "mutation N($id: ID!) { sendTransferNotice(id: $id) { noticesSent earliestEffectiveOn } }"
EFFECTIVE = "mutation E($id: ID!) { makeTransferEffective(id: $id) { status effectiveAt } }"


async def test_a_transfer_takes_effect_only_two_months_after_the_last_notice(
    schema: PrivacySchema, world: World
) -> None:
    admin, outbox = world.caller(Role.ADMIN), Outbox()
    today = datetime.now(UTC).date()
    soon = await _run(schema, PLAN, admin, outbox, on=(today + timedelta(days=40)).isoformat())
    assert [code_of(e) for e in soon.errors or []] == ["TOO_EARLY"]
    planned_on = months_after(today, 2) + timedelta(days=1)
    plan = await _run(schema, PLAN, admin, outbox, on=planned_on.isoformat())
    transfer = plan.data["planBusinessTransfer"]  # type: ignore[index]
    assert transfer["status"] == "PLANNED" and transfer["earliestEffectiveOn"] is None
    tid = transfer["id"]
    unnoticed = await _run(schema, EFFECTIVE, admin, outbox, id=tid)
    assert [code_of(e) for e in unnoticed.errors or []] == ["TOO_EARLY"]
    # No outbox configured: refused, nothing pretended.
    none, _ = await run(schema, NOTICE, admin, variables={"id": tid})
    assert [code_of(e) for e in none.errors or []] == ["NOTICES_UNAVAILABLE"]
    noticed = await _run(schema, NOTICE, admin, outbox, id=tid)
    assert noticed.data["sendTransferNotice"]["noticesSent"] == len(world.customers)  # type: ignore[index]
    [(kind, ids, payload)] = outbox.sent
    assert kind == "BUSINESS_TRANSFER" and sorted(ids) == sorted(c.id for c in world.customers)
    assert payload == {"transferee": "株式会社承継先", "extent": "ALL"}
    early = await _run(schema, EFFECTIVE, admin, outbox, id=tid)
    assert [code_of(e) for e in early.errors or []] == ["TOO_EARLY"]
    # Two months and a day later (the notice and the plan moved back in time):
    past = datetime.now(UTC) - timedelta(days=63)
    await BusinessTransfer.filter(id=int(tid)).update(last_notice_at=past, planned_on=today)
    done = await _run(schema, EFFECTIVE, admin, outbox, id=tid)
    assert done.errors is None and done.data["makeTransferEffective"]["status"] == "EFFECTIVE"  # type: ignore[index]
    records = await ProvisionRecord.filter(ground=Ground.BUSINESS_TRANSFER)
    assert sorted(r.customer_id for r in records) == sorted(c.id for c in world.customers)
    assert all(r.recipient == "株式会社承継先" for r in records)
    state, _ = await run(
        schema, "{ businessTransfers { status noticesSent } }", world.caller(Role.AUDITOR)
    )
    assert state.data == {"businessTransfers": [{"status": "EFFECTIVE", "noticesSent": 5}]}


async def test_a_later_notice_moves_the_earliest_date(schema: PrivacySchema, world: World) -> None:
    admin, outbox = world.caller(Role.ADMIN), Outbox()
    today = datetime.now(UTC).date()
    plan = await _run(schema, PLAN, admin, outbox, on=months_after(today, 3).isoformat())
    tid = plan.data["planBusinessTransfer"]["id"]  # type: ignore[index]
    await _run(schema, NOTICE, admin, outbox, id=tid)
    await BusinessTransfer.filter(id=int(tid)).update(
        last_notice_at=datetime.now(UTC) - timedelta(days=70), planned_on=today
    )
    again = await _run(schema, NOTICE, admin, outbox, id=tid)
    got = again.data["sendTransferNotice"]  # type: ignore[index]
    assert got["earliestEffectiveOn"] == months_after(today, 2).isoformat()
    refused = await _run(schema, EFFECTIVE, admin, outbox, id=tid)
    assert [code_of(e) for e in refused.errors or []] == ["TOO_EARLY"]


RECORD = """mutation R($r: IncidentReport!) { recordIncident(report: $r) {
  id affectedFields affectedCustomerIds affectedCount financialHarm reportable
  preliminaryDue finalDue } }"""


def _report(found: datetime, **changes: Any) -> dict[str, Any]:
    return {
        "kind": "LEAK",
        "foundAt": found.isoformat(),
        "actor": "t-billing",
        "windowFrom": (found - timedelta(hours=1)).isoformat(),
        "windowUntil": (found + timedelta(hours=1)).isoformat(),
        "sensitive": False,
        "financialHarm": False,
        "wrongfulIntent": False,
        **changes,
    }


async def test_an_incident_finds_who_and_what_from_the_audit(
    schema: PrivacySchema, world: World
) -> None:
    # Billing read two customers' names and bank accounts; support read another's phone.
    for cid in (world.customers[0].id, world.customers[3].id):
        q = f"query @purpose(code: E) {{ customer(id: {cid}) {{ name accountNumber }} }}"
        await run(schema, q, world.caller(Role.BILLING))
    await run(
        schema,
        f"query @purpose(code: C) {{ customer(id: {world.customers[1].id}) {{ phone }} }}",
        world.caller(Role.SUPPORT),
    )
    admin, outbox, now = world.caller(Role.ADMIN), Outbox(), datetime.now(UTC)
    result = await _run(schema, RECORD, admin, outbox, r=_report(now))
    assert result.errors is None, result.errors
    incident = result.data["recordIncident"]  # type: ignore[index]
    assert incident["affectedFields"] == ["accountNumber", "name"]
    assert sorted(incident["affectedCustomerIds"]) == sorted(
        str(c.id) for c in (world.customers[0], world.customers[3])
    )
    # A bank account number leaked: financial harm may follow, so it must be reported.
    assert incident["financialHarm"] and incident["reportable"]
    assert incident["preliminaryDue"] == (now.date() + timedelta(days=5)).isoformat()
    assert incident["finalDue"] == (now.date() + timedelta(days=30)).isoformat()
    notify = "mutation N($id: ID!) { notifyIncidentPersons(id: $id) { noticesSent } }"
    sent = await _run(schema, notify, admin, outbox, id=incident["id"])
    assert sent.data == {"notifyIncidentPersons": {"noticesSent": 2}}
    assert outbox.sent[0][0] == "LEAK_INCIDENT" and world.customers[0].name not in str(outbox.sent)
    # Outside the window, nobody; wrongful intent: 60 days and reportable.
    later = now + timedelta(days=2)
    quiet = await _run(schema, RECORD, admin, outbox, r=_report(later, wrongfulIntent=True))
    got = quiet.data["recordIncident"]  # type: ignore[index]
    assert got["affectedCount"] == 0 and got["reportable"]
    assert got["finalDue"] == (later.date() + timedelta(days=60)).isoformat()
    small = await _run(schema, RECORD, admin, outbox, r=_report(later))
    assert small.data["recordIncident"]["reportable"] is False  # type: ignore[index]
    audit, _ = await run(
        schema, "{ incidents { nodes { affectedCount reportable } } }", world.caller(Role.AUDITOR)
    )
    incidents = audit.data["incidents"]["nodes"]  # type: ignore[index]
    assert [i["affectedCount"] for i in incidents] == [2, 0, 0]
    # Paged like every list: one at a time, in the order recorded, then no more.
    paged, after = [], None
    while True:
        page, _ = await run(
            schema,
            "query Q($after: String) { incidents(first: 1, after: $after) { "
            "nodes { affectedCount } pageInfo { endCursor hasNextPage } } }",
            world.caller(Role.AUDITOR),
            variables={"after": after},
        )
        got = page.data["incidents"]  # type: ignore[index]
        paged += [n["affectedCount"] for n in got["nodes"]]
        if not got["pageInfo"]["hasNextPage"]:
            break
        after = got["pageInfo"]["endCursor"]
    assert paged == [2, 0, 0]
