"""Issue 8 §1 end to end: an administrator can no longer become a customer. The login it asks
for has no password and does nothing; the same administrator cannot approve it; the code goes
to the customer's e-mail on record through the outbox, and no answer to any staff member holds
it; a second login for the same customer is refused; auditors see how each login was bound."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from directives.vocabulary import Role
from models import AuditEntry, Customer, Notification
from notify.transports import OutboxSettings
from server import Settings
from tests import test_server
from tests.binding_flow import ACTIVATE, APPROVE, LOGIN, PASSWORD, REQUEST, Flow
from tests.mailbox import Mailbox
from tests.test_server import Server

database_url = test_server.database_url
settings = test_server.settings
server = test_server.server

OWN_RECORD = "{ customers { nodes { id birthDate accountNumber } } }"
BINDINGS = """query($login: String) {
  accountBindings(login: $login) {
    nodes { login role subjectType subjectId method activation requestedBy approvedBy channel }
  }
}"""


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or []]


async def test_an_administrator_cannot_become_a_customer(
    server: Server, settings: Settings, mailbox: Mailbox
) -> None:
    flow = Flow(server, settings, mailbox, [])
    admin = server.token(Role.ADMIN)
    customer = await Customer.all().order_by("-id").first()
    assert customer is not None
    requested = await flow.post(REQUEST, admin, login="kimura", role="CUSTOMER", c=str(customer.id))
    assert requested["data"]["createAccount"] == {
        "login": "kimura",
        "initialPassword": None,
        "activation": "AWAITING_APPROVAL",
    }
    for password in ("", PASSWORD):  # there is no password to know
        refused = await flow.post(LOGIN, None, l="kimura", p=password)
        assert codes(refused) == ["LOGIN_FAILED"] and refused["data"] is None

    own_approval = await flow.post(APPROVE, admin, login="kimura")
    assert codes(own_approval) == ["FORBIDDEN"] and own_approval["data"] is None
    # (the demo's past incident notices are in the outbox already: only activations count)
    assert not await Notification.filter(kind="ACCOUNT_ACTIVATION").exists()

    second = await flow.second_admin()
    pending = await flow.post(
        "{ accountBindings(pending: true) { nodes { login activation requestedBy } } }", second
    )
    assert pending["data"]["accountBindings"]["nodes"] == [
        {"login": "kimura", "activation": "AWAITING_APPROVAL", "requestedBy": "demo-admin"}
    ]
    approved = await flow.post(APPROVE, second, login="kimura")
    assert approved["data"]["approveAccountBinding"]["channel"] == "EMAIL"
    # Sending the code used the e-mail address on record: in the audit like a read (no value).
    sent_to = await AuditEntry.filter(
        subject_type="Customer", subject_id=customer.id, fields_decisions="email:DISCLOSE"
    ).prefetch_related("request")
    assert [entry.request.actor for entry in sent_to] == ["demo-admin-2"]
    code = await flow.deliver()
    assert mailbox.messages[-1]["To"] == customer.email
    for response in flow.responses:  # nothing any staff member was answered holds it
        assert code not in response.text and code.replace("-", "") not in response.text

    again = await flow.post(REQUEST, admin, login="kimura-2", role="CUSTOMER", c=str(customer.id))
    assert codes(again) == ["BAD_INPUT"]

    activated = await flow.post(ACTIVATE, None, login="kimura", code=code, password=PASSWORD)
    assert activated == {"data": {"activateAccount": True}}
    token = (await flow.post(LOGIN, None, l="kimura", p=PASSWORD))["data"]["login"]["token"]
    own = await flow.post(OWN_RECORD, token)
    assert [n["id"] for n in own["data"]["customers"]["nodes"]] == [str(customer.id)]

    auditor = server.token(Role.AUDITOR)
    seen = await flow.post(BINDINGS, auditor, login="kimura")
    assert seen["data"]["accountBindings"]["nodes"] == [
        {
            "login": "kimura",
            "role": "CUSTOMER",
            "subjectType": "customer",
            "subjectId": str(customer.id),
            "method": "ACTIVATION_CODE",
            "activation": "ACTIVE",
            "requestedBy": "demo-admin",
            "approvedBy": "demo-admin-2",
            "channel": "EMAIL",
        }
    ]
    seeded = await flow.post(BINDINGS, auditor, login="demo-customer")
    assert seeded["data"]["accountBindings"]["nodes"][0]["method"] == "OPERATOR_SEED"


async def test_the_activation_step_is_for_anonymous_callers_only(server: Server) -> None:
    customer = server.token(Role.CUSTOMER)
    response = await server.client.post(
        "/graphql",
        json={"query": ACTIVATE, "variables": {"login": "x", "code": "y", "password": "z"}},
        headers={"Authorization": f"Bearer {customer}"},
    )
    assert codes(response.json()) == ["FORBIDDEN"]


async def test_the_server_runs_the_outbox_worker(
    tmp_path: Path, database_url: str, mailbox: Mailbox
) -> None:
    """The worker started in the lifespan delivers without anyone calling it."""
    outbox = OutboxSettings(post_spool=tmp_path / "post", smtp=mailbox.transport(), interval=0.05)
    settings = Settings(
        data_dir=tmp_path, database_url=database_url, demo=True, demo_customers=5, outbox=outbox
    )
    async with test_server.serving(settings) as running:
        flow = Flow(running, settings, mailbox, [])
        customer = await Customer.all().order_by("-id").first()
        assert customer is not None
        admin = running.token(Role.ADMIN)
        await flow.post(REQUEST, admin, login="kimura", role="CUSTOMER", c=str(customer.id))
        await flow.post(APPROVE, await flow.second_admin(), login="kimura")
        for _ in range(600):  # up to 30 s: a loaded machine starts the worker late
            if mailbox.messages:
                break
            await asyncio.sleep(0.05)
        assert [m["To"] for m in mailbox.messages] == [customer.email]
        for _ in range(600):  # the mail arrives before the worker marks the row SENT
            row = await Notification.get(kind="ACCOUNT_ACTIVATION")
            if row.state.value == "SENT":
                break
            await asyncio.sleep(0.05)
        assert (row.state.value, row.sealed) == ("SENT", "")
