"""Identity binding through HTTP, as people do it: one administrator requests a login for a
person, a second approves, the outbox mails the code to the person, who activates the login
and logs in. Shared by the tests that need a second customer login."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from models import Account, ApiToken, Role
from models.tokens import hash_token
from notify.worker import deliver_once
from server import Settings
from tests.mailbox import Mailbox
from tests.test_server import Server

CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")
PASSWORD = "Correct horse battery staple 42!"
REQUEST = """mutation($login: String!, $role: Role!, $c: ID, $a: ID) {
  createAccount(login: $login, role: $role, customerId: $c, agentId: $a) {
    login initialPassword activation
  }
}"""
APPROVE = """mutation($login: String!) {
  approveAccountBinding(login: $login) {
    login method activation requestedBy approvedBy channel delivery subjectType subjectId
  }
}"""
ACTIVATE = """mutation($login: String!, $code: String!, $password: String!) {
  activateAccount(login: $login, code: $code, newPassword: $password)
}"""
LOGIN = "mutation($l: String!, $p: String!) { login(login: $l, password: $p) { stage token } }"


@dataclass
class Flow:
    server: Server
    settings: Settings
    mailbox: Mailbox
    responses: list[httpx.Response]  # everything staff were answered

    async def post(self, query: str, token: str | None, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.server.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        if token is not None:
            self.responses.append(response)
        body: dict[str, Any] = response.json()
        return body

    async def second_admin(self) -> str:
        """Another administrator, from the operator's own data (not made by the first)."""
        account, _ = await Account.get_or_create(login="demo-admin-2", role=Role.ADMIN)
        token = "second-admin-token-" + "x" * 24
        await ApiToken.get_or_create(
            token_hash=hash_token(token),
            defaults={
                "name": "test",
                "account_id": account.id,
                "role": "ADMIN",
                "expires_at": datetime.now(UTC) + timedelta(days=1),
            },
        )
        return token

    async def deliver(self) -> str:
        """One outbox pass; the code as the person reads it in the last message."""
        box = self.settings.auth_config().box
        await deliver_once(box, self.mailbox.transports(self.settings.data_dir / "post-outbox"))
        found = CODE.findall(self.mailbox.messages[-1].get_content())
        assert len(found) == 1
        return str(found[0])

    async def bind_customer(self, login: str, customer_id: int) -> str:
        """The whole flow; returns the person's FULL session token."""
        first = self.server.token(Role.ADMIN)
        await self.post(REQUEST, first, login=login, role="CUSTOMER", c=str(customer_id))
        await self.post(APPROVE, await self.second_admin(), login=login)
        code = await self.deliver()
        activated = await self.post(ACTIVATE, None, login=login, code=code, password=PASSWORD)
        assert activated == {"data": {"activateAccount": True}}, activated
        step = await self.post(LOGIN, None, l=login, p=PASSWORD)
        assert step["data"]["login"]["stage"] == "FULL"
        token: str = step["data"]["login"]["token"]
        return token
