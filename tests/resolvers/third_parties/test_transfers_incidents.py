"""Business transfers (P8.3) and the incident register (APPI art. 26) through GraphQL, as
an administrator; auditors see their state. Notices go through the real notification outbox
(queued in keyset chunks, resumable) and its worker to a real SMTP server; a transfer takes
effect no earlier than 2 months after the last notice was actually sent."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

import pytest
from strawberry.types import ExecutionResult

from auth.secrets_box import SecretBox
from directives.context import Caller
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry, BusinessTransfer, Customer, Notification, ProvisionRecord
from models.binding import Channel
from models.outbox import DeliveryState
from models.third_parties import Ground
from notify import notices as outbox_notices
from notify import references
from notify.notices import OutboxNotices
from notify.transports import SmtpTransport, Transport
from notify.worker import MAX_ATTEMPTS, Pass, deliver_once
from resolvers.context import build_context
from resolvers.third_parties.transfer import months_after
from tests.conftest import World, code_of, run
from tests.mailbox import Mailbox

BOX = SecretBox("a test deployment secret, 32+ characters long")


async def _run(
    schema: PrivacySchema, query: str, caller: Caller, **variables: Any
) -> ExecutionResult:
    context = build_context(caller=caller, notices=OutboxNotices())
    return await schema.execute(query, variable_values=variables, context_value=context)


async def _deliver(mailbox: Mailbox, spool: Path, now: datetime | None = None) -> Pass:
    return await deliver_once(BOX, mailbox.transports(spool), now=now)


PLAN = """mutation P($on: Date!) { planBusinessTransfer(transferee: "株式会社承継先",
  extent: ALL, plannedOn: $on) { id status earliestEffectiveOn } }"""
STATE = "noticesSent earliestEffectiveOn notices { queued sending sent failed lastSentAt }"
NOTICE = f"mutation N($id: ID!) {{ sendTransferNotice(id: $id) {{ {STATE} }} }}"
EFFECTIVE = "mutation E($id: ID!) { makeTransferEffective(id: $id) { status effectiveAt } }"
AUDIT = f"{{ businessTransfers {{ status {STATE} }} }}"


def _errors(result: ExecutionResult) -> list[object]:
    return [code_of(e) for e in result.errors or []]


async def _plan(schema: PrivacySchema, admin: Caller) -> str:
    planned_on = months_after(datetime.now(UTC).date(), 2) + timedelta(days=1)
    plan = await _run(schema, PLAN, admin, on=planned_on.isoformat())
    transfer = plan.data["planBusinessTransfer"]  # type: ignore[index]
    assert transfer["status"] == "PLANNED" and transfer["earliestEffectiveOn"] is None
    return str(transfer["id"])


async def _sent_days_ago(tid: str, days: int) -> None:
    """Move the notices' sending back in time (the clock of the test)."""
    await Notification.filter(topic=f"transfer:{tid}").update(
        sent_at=datetime.now(UTC) - timedelta(days=days)
    )


async def test_a_transfer_takes_effect_only_two_months_after_the_last_notice_sent(
    schema: PrivacySchema, world: World, mailbox: Mailbox, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    admin, today = world.caller(Role.ADMIN), datetime.now(UTC).date()
    soon = await _run(schema, PLAN, admin, on=(today + timedelta(days=40)).isoformat())
    assert _errors(soon) == ["TOO_EARLY"]
    tid = await _plan(schema, admin)
    assert _errors(await _run(schema, EFFECTIVE, admin, id=tid)) == ["TOO_EARLY"]
    # No outbox configured: refused, nothing pretended.
    none, _ = await run(schema, NOTICE, admin, variables={"id": tid})
    assert _errors(none) == ["NOTICES_UNAVAILABLE"] and not await Notification.exists()
    queued = (await _run(schema, NOTICE, admin, id=tid)).data["sendTransferNotice"]  # type: ignore[index]
    assert queued["noticesSent"] == len(world.customers)
    assert queued["notices"] == {
        "queued": 5, "sending": 0, "sent": 0, "failed": 0, "lastSentAt": None
    }  # fmt: skip
    # Queued is not sent: no date yet, and no taking effect.
    assert queued["earliestEffectiveOn"] is None
    assert _errors(await _run(schema, EFFECTIVE, admin, id=tid)) == ["TOO_EARLY"]
    # Nothing personal stored with the notices: they are rendered when sent.
    assert {n.sealed for n in await Notification.all()} == {""}
    with caplog.at_level(logging.DEBUG, logger="crm"):
        assert (await _deliver(mailbox, tmp_path)).sent == 5
    for customer in world.customers:
        mail = mailbox.last_to(customer.email)
        assert "株式会社承継先" in mail.get_content() and customer.name not in mail.get_content()
    assert all(c.email not in caplog.text and c.name not in caplog.text for c in world.customers)
    state = (await run(schema, AUDIT, world.caller(Role.AUDITOR)))[0].data["businessTransfers"]  # type: ignore[index]
    [seen] = state
    assert seen["notices"]["sent"] == 5 and seen["notices"]["lastSentAt"] is not None
    # Sent today: 2 months from now, and not before the planned date (a day later).
    assert seen["earliestEffectiveOn"] == (months_after(today, 2) + timedelta(days=1)).isoformat()
    assert _errors(await _run(schema, EFFECTIVE, admin, id=tid)) == ["TOO_EARLY"]
    # Two months and a day after the last notice was sent (the plan moved to today):
    await _sent_days_ago(tid, 63)
    await BusinessTransfer.filter(id=int(tid)).update(planned_on=today)
    done = await _run(schema, EFFECTIVE, admin, id=tid)
    assert done.errors is None and done.data["makeTransferEffective"]["status"] == "EFFECTIVE"  # type: ignore[index]
    records = await ProvisionRecord.filter(ground=Ground.BUSINESS_TRANSFER)
    assert sorted(r.customer_id for r in records) == sorted(c.id for c in world.customers)
    assert all(r.recipient == "株式会社承継先" for r in records)
    again = await _run(schema, NOTICE, admin, id=tid)
    assert _errors(again) == ["BAD_INPUT"]


async def test_an_interrupted_notice_run_resumes_and_nobody_is_noticed_twice(
    schema: PrivacySchema, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = world.caller(Role.ADMIN)
    tid = await _plan(schema, admin)
    monkeypatch.setattr(outbox_notices, "CHUNK", 2)
    real_queue, calls = outbox_notices._queue_range, []

    async def dies_on_the_second_chunk(*args: Any) -> tuple[int, int]:
        calls.append(args)
        if len(calls) == 2:
            raise ConnectionError("the server stopped")
        return await real_queue(*args)

    monkeypatch.setattr(outbox_notices, "_queue_range", dies_on_the_second_chunk)
    broken = await _run(schema, NOTICE, admin, id=tid)
    assert broken.errors and await Notification.all().count() == 2
    monkeypatch.setattr(outbox_notices, "_queue_range", real_queue)
    resumed = (await _run(schema, NOTICE, admin, id=tid)).data["sendTransferNotice"]  # type: ignore[index]
    assert resumed["notices"]["queued"] == 5 and resumed["noticesSent"] == 3
    # Each chunk after the interruption starts after the highest id queued.
    recipients = [n.recipient_id for n in await Notification.all().order_by("recipient_id")]
    assert recipients == sorted(c.id for c in world.customers)
    # Run again: nothing new to queue.
    same = (await _run(schema, NOTICE, admin, id=tid)).data["sendTransferNotice"]  # type: ignore[index]
    assert same["notices"]["queued"] == 5 and await Notification.all().count() == 5


async def test_a_newcomer_or_a_failed_notice_holds_the_transfer_until_noticed(
    schema: PrivacySchema, world: World, mailbox: Mailbox, tmp_path: Path
) -> None:
    admin, today = world.caller(Role.ADMIN), datetime.now(UTC).date()
    tid = await _plan(schema, admin)
    await _run(schema, NOTICE, admin, id=tid)
    assert (await _deliver(mailbox, tmp_path)).sent == 5
    await _sent_days_ago(tid, 70)
    await BusinessTransfer.filter(id=int(tid)).update(planned_on=today)
    # A customer joins after the notices: the transfer waits for their notice.
    newcomer = await Customer.create(name="新規 顧客", email="new@mail.example", address="x")
    audit = (await run(schema, AUDIT, world.caller(Role.AUDITOR)))[0].data["businessTransfers"]  # type: ignore[index]
    assert audit[0]["earliestEffectiveOn"] is None
    assert _errors(await _run(schema, EFFECTIVE, admin, id=tid)) == ["TOO_EARLY"]
    again = (await _run(schema, NOTICE, admin, id=tid)).data["sendTransferNotice"]  # type: ignore[index]
    assert again["noticesSent"] == 6 and again["notices"]["queued"] == 1
    # The server is down: the newcomer's notice fails until given up; auditors see it.
    smtp = SmtpTransport(host="127.0.0.1", port=8349, sender="crm@op.example")
    down: dict[Channel, Transport] = {Channel.EMAIL: smtp}
    moment = datetime.now(UTC)
    for _ in range(MAX_ATTEMPTS):
        moment += timedelta(hours=1)
        await deliver_once(BOX, down, now=moment)
    audit = (await run(schema, AUDIT, world.caller(Role.AUDITOR)))[0].data["businessTransfers"]  # type: ignore[index]
    assert audit[0]["notices"]["failed"] == 1 and audit[0]["earliestEffectiveOn"] is None
    # Sending again retries the failed one only; once sent, 2 months run from it.
    retried = (await _run(schema, NOTICE, admin, id=tid)).data["sendTransferNotice"]  # type: ignore[index]
    assert retried["notices"]["queued"] == 1 and retried["notices"]["failed"] == 0
    assert (await _deliver(mailbox, tmp_path, moment)).sent == 1
    assert mailbox.last_to(newcomer.email)
    final = (await run(schema, AUDIT, world.caller(Role.AUDITOR)))[0].data["businessTransfers"]  # type: ignore[index]
    assert final[0]["earliestEffectiveOn"] == months_after(moment.date(), 2).isoformat()
    assert final[0]["notices"]["sent"] == 6
    assert _errors(await _run(schema, EFFECTIVE, admin, id=tid)) == ["TOO_EARLY"]


async def test_a_notice_to_someone_anonymised_meanwhile_is_dropped_and_holds_nothing_up(
    schema: PrivacySchema, world: World, mailbox: Mailbox, tmp_path: Path
) -> None:
    """Queued, then the person's retention ran out (P7.4): there is nobody left to notify and
    nothing of theirs to transfer. The notice is dropped at once (not retried until given
    up), nothing is read or sent, and the transfer waits only for the others."""
    admin, today = world.caller(Role.ADMIN), datetime.now(UTC).date()
    tid = await _plan(schema, admin)
    await _run(schema, NOTICE, admin, id=tid)
    gone = world.customers[2]
    await Customer.filter(id=gone.id).update(anonymised_at=datetime.now(UTC))
    done = await _deliver(mailbox, tmp_path)
    assert (done.sent, done.dropped, done.retried, done.failed) == (4, 1, 0, 0)
    row = await Notification.get(recipient_id=gone.id)
    assert (row.state, row.attempts, row.sealed) == (DeliveryState.DROPPED, 1, "")
    assert not await AuditEntry.filter(
        request__actor=references.WORKER_ACTOR, subject_id=gone.id
    ).exists()
    assert (await _deliver(mailbox, tmp_path)).handled == 0  # not tried again
    await BusinessTransfer.filter(id=int(tid)).update(planned_on=today)
    shown = (await run(schema, AUDIT, world.caller(Role.AUDITOR)))[0].data["businessTransfers"]  # type: ignore[index]
    notices = shown[0]["notices"]
    assert (notices["sent"], notices["queued"], notices["failed"]) == (4, 0, 0)
    assert shown[0]["earliestEffectiveOn"] == months_after(today, 2).isoformat()
    assert (await run(schema, "{ businessTransfers { notices { dropped } } }",
                      world.caller(Role.AUDITOR)))[0].data == {
        "businessTransfers": [{"notices": {"dropped": 1}}]
    }  # fmt: skip


async def test_a_person_without_e_mail_gets_a_letter(
    schema: PrivacySchema, world: World, mailbox: Mailbox, tmp_path: Path
) -> None:
    admin = world.caller(Role.ADMIN)
    who = world.customers[3]
    await Customer.filter(id=who.id).update(email="")
    tid = await _plan(schema, admin)
    await _run(schema, NOTICE, admin, id=tid)
    first = await _deliver(mailbox, tmp_path)
    assert first.sent == 4  # the fifth went back to the queue as a letter
    assert (await _deliver(mailbox, tmp_path)).sent == 1
    letter = (
        tmp_path / f"letter-{(await Notification.get(recipient_id=who.id)).id}.txt"
    ).read_text()
    assert who.address in letter and "株式会社承継先" in letter
    row = await Notification.get(recipient_id=who.id)
    assert (row.channel, row.state) == ("POST", DeliveryState.SENT)


def _letters(spool: Path) -> int:
    return len(list(spool.glob("letter-*")))


async def test_the_workers_read_of_each_address_is_audited_before_the_notice_leaves(
    schema: PrivacySchema, world: World, mailbox: Mailbox, tmp_path: Path
) -> None:
    """The worker reads the person's current e-mail (else postal address) to send a notice:
    a use like any read, in the audit (fields, never a value) before the message leaves; a
    failed audit write sends nothing."""
    admin = world.caller(Role.ADMIN)
    by_post = world.customers[3]
    await Customer.filter(id=by_post.id).update(email="")
    tid = await _run(schema, NOTICE, admin, id=await _plan(schema, admin))
    assert tid.errors is None
    # The audit is down: nothing leaves, every attempt is counted and retried (the one
    # without e-mail was only moved to the post: nothing was read for it yet).
    down = AsyncMock(side_effect=RuntimeError("audit down"))
    with patch.object(references._STORE, "write", down):
        first = await _deliver(mailbox, tmp_path)
    assert (first.sent, first.retried, mailbox.messages) == (0, 4, [])
    assert _letters(tmp_path) == 0
    await Notification.all().update(next_attempt_at=datetime.now(UTC))
    assert (await _deliver(mailbox, tmp_path)).sent == 5
    assert len(mailbox.messages) == 4 and _letters(tmp_path) == 1
    entries = await AuditEntry.filter(request__actor=references.WORKER_ACTOR).select_related(
        "request"
    )
    seen = {e.subject_id: e.fields_decisions for e in entries}
    assert seen == {
        c.id: ("name:DISCLOSE,postalCode:DISCLOSE,address:DISCLOSE" if c is by_post else
               "email:DISCLOSE")
        for c in world.customers
    }  # fmt: skip
    assert len(entries) == len(world.customers)  # once each: the redirect read nothing
    assert {(e.subject_type, e.request.role, e.request.purpose) for e in entries} == {
        ("Customer", references.WORKER_ROLE, "D")
    }
    stored = repr([(e.__dict__, e.request.__dict__) for e in entries])
    for customer in world.customers:
        assert customer.name not in stored and customer.address not in stored
        assert not customer.email or customer.email not in stored


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
    schema: PrivacySchema, world: World, mailbox: Mailbox, tmp_path: Path
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
    admin, now = world.caller(Role.ADMIN), datetime.now(UTC)
    result = await _run(schema, RECORD, admin, r=_report(now))
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
    notify = """mutation N($id: ID!) { notifyIncidentPersons(id: $id) {
      noticesSent notices { queued sent } } }"""
    sent = await _run(schema, notify, admin, id=incident["id"])
    assert sent.data == {
        "notifyIncidentPersons": {"noticesSent": 2, "notices": {"queued": 2, "sent": 0}}
    }
    assert (await _deliver(mailbox, tmp_path)).sent == 2
    affected = {world.customers[0].email, world.customers[3].email}
    assert {m["To"] for m in mailbox.messages} == affected
    for message in mailbox.messages:
        body = message.get_content()
        assert "漏えい" in body and all(c.name not in body for c in world.customers)
    # Again: nobody is notified twice.
    twice = await _run(schema, notify, admin, id=incident["id"])
    assert twice.data["notifyIncidentPersons"]["notices"] == {"queued": 0, "sent": 2}  # type: ignore[index]
    # Outside the window, nobody; wrongful intent: 60 days and reportable.
    later = now + timedelta(days=2)
    quiet = await _run(schema, RECORD, admin, r=_report(later, wrongfulIntent=True))
    got = quiet.data["recordIncident"]  # type: ignore[index]
    assert got["affectedCount"] == 0 and got["reportable"]
    assert got["finalDue"] == (later.date() + timedelta(days=60)).isoformat()
    small = await _run(schema, RECORD, admin, r=_report(later))
    assert small.data["recordIncident"]["reportable"] is False  # type: ignore[index]
    audit, _ = await run(
        schema,
        "{ incidents { nodes { affectedCount reportable notices { sent } } } }",
        world.caller(Role.AUDITOR),
    )
    incidents = audit.data["incidents"]["nodes"]  # type: ignore[index]
    assert [i["affectedCount"] for i in incidents] == [2, 0, 0]
    assert [i["notices"]["sent"] for i in incidents] == [2, 0, 0]
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
