"""The answer to a rights request through the notification outbox and a real SMTP server
(P7.3): the mail carries the package as JSON and printable HTML, the JSON holds the person's
data and nobody else's, the outbox keeps it only sealed and erases it once sent, a failed
delivery is retried and visible, the deadline clock stops when the answer is sent, and no
personal value reaches the log."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import Customer, Notification, RightsRequest
from models.binding import Channel
from notify.transports import SmtpTransport, Transport
from notify.worker import MAX_ATTEMPTS, deliver_once
from tests.conftest import World, run
from tests.mailbox import Mailbox
from tests.rights.posted import BOX, Posted

TAKE = """mutation T($input: RightsRequestInput!) @purpose(code: D) {
  takeRightsRequest(input: $input) { id } }"""
ANSWER = """mutation A($id: ID!) @purpose(code: D) {
  answerRightsRequest(id: $id) { answeredAt answerSentAt overdue
    answerDelivery { state attempts lastError sentAt } } }"""
OPEN = """query @purpose(code: D) { rightsRequests { id answerSentAt
  answerDelivery { state attempts lastError } } }"""
CLOSED_PORT = 8349  # one of this session's ports, nothing listens there


@pytest.fixture
def posted(mailbox: Mailbox, tmp_path: Path) -> Posted:
    return Posted(mailbox, tmp_path / "post")


def _data(result: Any) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return result.data  # type: ignore[no-any-return]


def _values(customer: Customer) -> list[str]:
    """Values that identify a customer of the test world (each unique to one of them)."""
    return [customer.email, customer.phone, customer.address, customer.account_number]


async def _take(schema: PrivacySchema, world: World, customer: Customer) -> str:
    checked = {"document": "PASSPORT", "checkedAt": "2026-11-01T01:00:00+00:00"}
    variables = {"input": {"kind": "DISCLOSURE", "customerId": customer.id, **checked}}
    taken, _ = await run(schema, TAKE, world.caller(Role.SUPPORT), variables=variables)
    return str(_data(taken)["takeRightsRequest"]["id"])


async def test_the_package_arrives_attached_holds_only_the_person_and_stops_the_clock(
    schema: PrivacySchema, world: World, posted: Posted, caplog: pytest.LogCaptureFixture
) -> None:
    who, support = world.customers[2], world.caller(Role.SUPPORT)
    request_id = await _take(schema, world, who)
    answered, _ = await run(
        schema, ANSWER, support, variables={"id": request_id}, delivery=posted.delivery
    )
    queued = _data(answered)["answerRightsRequest"]
    assert queued["answeredAt"] and queued["answerSentAt"] is None
    assert queued["answerDelivery"] == {
        "state": "QUEUED", "attempts": 0, "lastError": None, "sentAt": None
    }  # fmt: skip
    # Queued, not sent: the clock still runs and the request is still open.
    still_open, _ = await run(schema, OPEN, support)
    assert [r["id"] for r in _data(still_open)["rightsRequests"]] == [request_id]
    # In the outbox the package exists only sealed: no value of the person in clear.
    message = await Notification.get(recipient_type="customer", recipient_id=who.id)
    assert message.sealed and all(v not in message.sealed for v in _values(who))
    with caplog.at_level(logging.DEBUG, logger="crm"):
        files = await posted.answer_to(who.email)
    mail = posted.mailbox.last_to(who.email)
    assert [p.get_content_type() for p in mail.iter_attachments()] == [
        "application/json", "text/html"
    ]  # fmt: skip
    package = json.loads(files["json"])
    text = json.dumps(package, ensure_ascii=False)
    assert package["held"] and package["customer"]["current"]["email"] == who.email
    assert all(v in text for v in _values(who))
    # Nobody else's data: no other customer's values, in the JSON or the printable page.
    others = [c for c in world.customers if c.id != who.id]
    for other in others:
        assert not any(v in text for v in _values(other)), other.id
        assert not any(v in files["html"].decode() for v in _values(other)), other.id
    assert who.address in files["html"].decode()
    # Sent: the sealed copy is erased and the clock stops.
    assert (await Notification.get(id=message.id)).sealed == ""
    request = await RightsRequest.get(id=int(request_id))
    assert request.answer_sent_at is not None and request.answer_notification_id == message.id
    closed, _ = await run(schema, OPEN, support)
    assert _data(closed)["rightsRequests"] == []
    # The log names ids and kinds, never an address or a value.
    logged = caplog.text
    assert "outbox sent id=" in logged
    assert all(v not in logged for c in world.customers for v in [*_values(c), c.name])


async def test_a_failed_delivery_is_retried_visible_and_answered_again_once_given_up(
    schema: PrivacySchema, world: World, posted: Posted, caplog: pytest.LogCaptureFixture
) -> None:
    who, support = world.customers[0], world.caller(Role.SUPPORT)
    request_id = await _take(schema, world, who)
    _data(
        (
            await run(
                schema, ANSWER, support, variables={"id": request_id}, delivery=posted.delivery
            )
        )[0]
    )
    down: dict[Channel, Transport] = {
        Channel.EMAIL: SmtpTransport(host="127.0.0.1", port=CLOSED_PORT, sender="crm@op.example")
    }
    now = datetime.now(UTC)
    with caplog.at_level(logging.DEBUG, logger="crm"):
        first = await deliver_once(BOX, down, now=now)
    assert (first.sent, first.retried) == (0, 1)
    seen, _ = await run(schema, OPEN, support)
    [row] = _data(seen)["rightsRequests"]
    assert row["answerSentAt"] is None
    assert row["answerDelivery"]["state"] == "QUEUED" and row["answerDelivery"]["attempts"] == 1
    assert row["answerDelivery"]["lastError"]  # the failure's kind, e.g. SMTPConnectError
    assert "outbox attempt failed" in caplog.text
    assert all(v not in caplog.text for v in [*_values(who), who.name])
    # Not before its next attempt is due; then the server is up again and it goes out.
    assert (await posted.deliver(now=now)).handled == 0
    later = now + timedelta(minutes=2)
    assert (await posted.deliver(now=later)).sent == 1
    assert json.loads(posted.files(posted.mailbox.last_to(who.email))["json"])["held"]
    assert (await RightsRequest.get(id=int(request_id))).answer_sent_at == later
    # A request whose delivery was given up on can be answered again (and only then).
    again_id = await _take(schema, world, world.customers[1])  # (the month's free request)
    _data(
        (await run(schema, ANSWER, support, variables={"id": again_id}, delivery=posted.delivery))[
            0
        ]
    )
    moment = now
    for _ in range(MAX_ATTEMPTS):
        moment += timedelta(hours=1)
        await deliver_once(BOX, down, now=moment)
    gave_up = await RightsRequest.get(id=int(again_id))
    message = await Notification.get(id=gave_up.answer_notification_id)
    assert (message.state, message.sealed, gave_up.answer_sent_at) == ("FAILED", "", None)
    retried, _ = await run(
        schema, ANSWER, support, variables={"id": again_id}, delivery=posted.delivery
    )
    delivery = _data(retried)["answerRightsRequest"]["answerDelivery"]
    assert delivery == {"state": "QUEUED", "attempts": 0, "lastError": None, "sentAt": None}
    assert (await posted.deliver(now=moment)).sent == 1
    assert (await RightsRequest.get(id=int(again_id))).answer_sent_at == moment
    assert posted.mailbox.last_to(world.customers[1].email)
    once_more, _ = await run(
        schema, ANSWER, support, variables={"id": again_id}, delivery=posted.delivery
    )
    assert once_more.errors and once_more.errors[0].extensions["code"] == "BAD_INPUT"  # type: ignore[index]
