"""Issue 8 §1 at the service level: binding a login to an existing person is identity proofing.
What must not happen: a staff member acting as the person (no password, no usable session, no
code ever shown to staff), one administrator alone approving, a second user ID for a person,
the code or the address left in clear anywhere (tables, events, logs)."""

from __future__ import annotations

import logging
import re
import socket
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tortoise.exceptions import IntegrityError

from auth import activation, admin, binding, service
from auth.callers import from_bearer
from auth.secrets_box import SecretBox
from auth.service import Attempt, AuthConfig
from auth.sessions import SessionPolicy, open_session
from directives.errors import PrivacyError
from models import (
    Account,
    AccountBinding,
    Activation,
    Channel,
    Customer,
    DeliveryState,
    Notification,
    Role,
    SecurityEvent,
    Stage,
)
from notify.transports import SmtpTransport
from notify.worker import MAX_ATTEMPTS, deliver_once
from tests.conftest import World
from tests.mailbox import Mailbox

CONFIG = AuthConfig(box=SecretBox("a test deployment secret, 32+ characters"))
PASSWORD = "Correct horse battery staple 42!"
CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")


def at(moment: datetime | None = None) -> Attempt:
    return Attempt(config=CONFIG, client_address="192.0.2.1", now=moment or datetime.now(UTC))


async def admins() -> tuple[str, str]:
    """Two administrators from the operator's own data (created by nobody)."""
    for login in ("admin-a", "admin-b"):
        await Account.create(login=login, role=Role.ADMIN)
    return "admin-a", "admin-b"


async def request(customer: Customer, by: str = "admin-a", login: str = "kimura") -> None:
    password = await admin.create_account(
        at(), admin=by, login_id=login, role=Role.CUSTOMER, customer_id=customer.id, agent_id=None
    )
    assert password is None  # no credential exists for staff to hold


async def delivered_code(
    mailbox: Mailbox, tmp_path: Path, address: str, now: datetime | None = None
) -> str:
    result = await deliver_once(CONFIG.box, mailbox.transports(tmp_path / "post"), now=now)
    assert result.sent == 1
    found = CODE.findall(mailbox.last_to(address).get_content())
    assert len(found) == 1
    return str(found[0])


def our_logs(caplog: pytest.LogCaptureFixture) -> str:
    """Every record at every level (the ORM's SQL included) but the test SMTP server's own:
    that one is the person's mail server, which is meant to see the message."""
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail."))


async def everything_stored() -> str:
    rows = [
        *await Notification.all().values(),
        *await AccountBinding.all().values(),
        *await SecurityEvent.all().values(),
        *await Account.all().values(),
    ]
    return repr(rows)


async def test_a_requested_login_can_do_nothing(world: World) -> None:
    await admins()
    customer = world.customers[1]
    await request(customer)
    account = await Account.get(login="kimura")
    assert account.password_hash is None
    assert account.activation is Activation.AWAITING_APPROVAL
    with pytest.raises(PrivacyError) as refused:
        await service.login(at(), login_id="kimura", password="", browser=False)
    assert refused.value.code.value == "LOGIN_FAILED"
    # Whatever credential were issued for it, it resolves to nobody until activated.
    opened = await open_session(
        account.id, stage=Stage.FULL, browser=False, policy=SessionPolicy(), now=at().now
    )
    assert await from_bearer(opened.token, policy=SessionPolicy(), now=at().now) is None


async def test_the_requester_cannot_approve_alone(world: World) -> None:
    await admins()
    await request(world.customers[1])
    # Nor through an administrator the requester made, directly or down a chain.
    await admin.create_account(
        at(), admin="admin-a", login_id="admin-c", role=Role.ADMIN, customer_id=None, agent_id=None
    )
    await admin.create_account(
        at(), admin="admin-c", login_id="admin-d", role=Role.ADMIN, customer_id=None, agent_id=None
    )
    for approver in ("admin-a", "admin-c", "admin-d"):
        with pytest.raises(PrivacyError) as refused:
            await binding.approve(at(), admin=approver, login_id="kimura")
        assert refused.value.code.value == "FORBIDDEN"
    assert await Notification.all().count() == 0
    assert (await Account.get(login="kimura")).activation is Activation.AWAITING_APPROVAL


async def test_one_user_id_per_person(world: World) -> None:
    await admins()
    bound_customer, bound_agent = world.customers[0], world.agent1  # the world's own logins
    with pytest.raises(PrivacyError) as refused:
        await request(bound_customer, login="second")
    assert refused.value.code.value == "BAD_INPUT"
    with pytest.raises(PrivacyError):
        await admin.create_account(
            at(), admin="admin-a", login_id="second", role=Role.AGENT, customer_id=None,
            agent_id=bound_agent.id,
        )  # fmt: skip
    # The database refuses it too, whoever writes.
    with pytest.raises(IntegrityError):
        await Account.create(login="direct", role=Role.CUSTOMER, customer_id=bound_customer.id)
    with pytest.raises(IntegrityError):
        await Account.create(login="direct2", role=Role.AGENT, agent_id=bound_agent.id)
    assert not await Account.filter(login__in=["second", "direct", "direct2"]).exists()


async def test_the_code_reaches_only_the_person(
    world: World, mailbox: Mailbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await admins()
    customer = world.customers[1]
    await request(customer)
    approved = await binding.approve(at(), admin="admin-b", login_id="kimura")
    assert approved.channel is Channel.EMAIL
    queued = await Notification.get(id=approved.notification_id)
    assert queued.state is DeliveryState.QUEUED
    assert customer.email not in await everything_stored()  # sealed at rest
    code = await delivered_code(mailbox, tmp_path, customer.email)
    assert "kimura" in mailbox.last_to(customer.email).get_content()
    sent = await Notification.get(id=approved.notification_id)
    assert (sent.state, sent.sealed, sent.attempts) == (DeliveryState.SENT, "", 1)
    stored = await everything_stored()
    for secret in (code, code.replace("-", ""), customer.email):
        assert secret not in stored
        assert secret not in our_logs(caplog)
    # The person activates with the code and a password of its own; then logs in.
    await activation.activate(at(), login_id="kimura", code=code, new_password=PASSWORD)
    opened = await service.login(at(), login_id="kimura", password=PASSWORD, browser=False)
    assert opened.session.stage is Stage.FULL
    with pytest.raises(PrivacyError):  # once only
        await activation.activate(at(), login_id="kimura", code=code, new_password=PASSWORD + "x")


async def test_wrong_or_expired_codes_do_not_activate(
    world: World, mailbox: Mailbox, tmp_path: Path
) -> None:
    await admins()
    customer = world.customers[1]
    await request(customer)
    await binding.approve(at(), admin="admin-b", login_id="kimura")
    code = await delivered_code(mailbox, tmp_path, customer.email)
    later = datetime.now(UTC) + activation.CODE_LIFETIME + timedelta(seconds=1)
    for attempt, tried in [(at(), "AAAA-BBBB-CCCC"), (at(later), code)]:
        with pytest.raises(PrivacyError) as refused:
            await activation.activate(attempt, login_id="kimura", code=tried, new_password=PASSWORD)
        assert refused.value.code.value == "LOGIN_FAILED"
    assert (await Account.get(login="kimura")).activation is Activation.AWAITING_PERSON
    # Expired: a second approval sends a new code; the old one stays dead.
    await binding.approve(at(later), admin="admin-b", login_id="kimura")
    fresh = await delivered_code(mailbox, tmp_path, customer.email, later)
    assert fresh != code
    with pytest.raises(PrivacyError):
        await activation.activate(at(later), login_id="kimura", code=code, new_password=PASSWORD)
    await activation.activate(at(later), login_id="kimura", code=fresh, new_password=PASSWORD)


async def test_without_an_email_a_letter_is_queued_for_post(
    world: World, mailbox: Mailbox, tmp_path: Path
) -> None:
    await admins()
    customer = world.customers[2]
    await Customer.filter(id=customer.id).update(email="")
    await request(customer)
    approved = await binding.approve(at(), admin="admin-b", login_id="kimura")
    assert approved.channel is Channel.POST
    await deliver_once(CONFIG.box, mailbox.transports(tmp_path / "post"))
    letter = tmp_path / "post" / f"letter-{approved.notification_id}.txt"
    assert customer.address in letter.read_text()
    assert stat.S_IMODE(letter.stat().st_mode) == 0o600
    assert stat.S_IMODE(letter.parent.stat().st_mode) == 0o700
    assert customer.address not in await everything_stored()
    assert not mailbox.messages


async def test_binding_events_name_role_subject_requester_and_approver(
    world: World, mailbox: Mailbox, tmp_path: Path
) -> None:
    await admins()
    customer = world.customers[1]
    await request(customer)
    await binding.approve(at(), admin="admin-b", login_id="kimura")
    code = await delivered_code(mailbox, tmp_path, customer.email)
    await activation.activate(at(), login_id="kimura", code=code, new_password=PASSWORD)
    events = await SecurityEvent.filter(
        kind__in=["BINDING_REQUESTED", "BINDING_APPROVED", "ACCOUNT_ACTIVATED"]
    ).order_by("id")
    subject = f"customer:{customer.id}"
    assert [
        (e.kind, e.actor, e.role, e.bound_subject, e.requested_by, e.approved_by) for e in events
    ] == [
        ("BINDING_REQUESTED", "admin-a", "CUSTOMER", subject, "admin-a", None),
        ("BINDING_APPROVED", "admin-b", "CUSTOMER", subject, "admin-a", "admin-b"),
        ("ACCOUNT_ACTIVATED", "kimura", "CUSTOMER", subject, "admin-a", "admin-b"),
    ]


def _closed_port() -> int:
    """One of our ports where nothing listens."""
    for port in range(8619, 8600, -1):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no closed port")


async def test_undeliverable_messages_are_retried_then_erased(
    world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await admins()
    customer = world.customers[1]
    await request(customer)
    approved = await binding.approve(at(), admin="admin-b", login_id="kimura")
    down = {Channel.EMAIL: SmtpTransport(host="127.0.0.1", port=_closed_port(), sender="x@y")}
    moment = datetime.now(UTC)
    for _ in range(MAX_ATTEMPTS):
        await deliver_once(CONFIG.box, down, now=moment)
        moment += timedelta(days=1)
    row = await Notification.get(id=approved.notification_id)
    assert (row.state, row.attempts, row.sealed) == (DeliveryState.FAILED, MAX_ATTEMPTS, "")
    assert row.last_error and " " not in row.last_error  # a class name, no message text
    assert customer.email not in our_logs(caplog)


async def test_an_agent_login_is_bound_the_same_way(
    world: World, mailbox: Mailbox, tmp_path: Path
) -> None:
    await admins()
    agent = world.agent2  # the world's AGENT login is bound to agent1
    password = await admin.create_account(
        at(), admin="admin-a", login_id="sato-ag", role=Role.AGENT, customer_id=None,
        agent_id=agent.id,
    )  # fmt: skip
    assert password is None
    with pytest.raises(PrivacyError):
        await binding.approve(at(), admin="admin-a", login_id="sato-ag")
    await binding.approve(at(), admin="admin-b", login_id="sato-ag")
    code = await delivered_code(mailbox, tmp_path, agent.email)
    await activation.activate(at(), login_id="sato-ag", code=code, new_password=PASSWORD)
    opened = await service.login(at(), login_id="sato-ag", password=PASSWORD, browser=False)
    assert opened.session.stage is Stage.TOTP_ENROLMENT  # agents enrol TOTP first
