"""Over HTTP: an API token checked lately starts at once (auth.recent), and a change to its
credential made since (revoked, expired, the account disabled or given another role) still
reaches the very next request: no data, no change, no audit record, the same answer as without
it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from tortoise.connection import get_connection

import auth.recent
import directives.guard
import edge.graphql_view
from auth.recent import RecentCallers
from directives.vocabulary import Role
from models import Account, ApiToken, AuditRequest, Contact
from models.tokens import hash_token
from tests import test_server
from tests.test_server import BILLING_E, Server, assert_nothing_personal

database_url = test_server.database_url
settings = test_server.settings
server = test_server.server

ADD = "mutation A($input: ContactInput!) { addContact(input: $input) { id } }"
ME = "{ me { login } }"


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """What each lookup made beside a request said (True: the caller it started with)."""
    said: list[bool] = []
    confirm = RecentCallers._confirm

    async def recorded(self: RecentCallers, *args: object) -> bool:
        result = await confirm(self, *args)  # type: ignore[arg-type]
        said.append(result)
        return result

    monkeypatch.setattr(RecentCallers, "_confirm", recorded)
    return said


@pytest.fixture
def confirmations(said: list[bool], monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """`said`, with lookups started beside on either database (on SQLite they are not: below)."""
    monkeypatch.setattr(edge.graphql_view, "lookup_waits", lambda: True)
    return said


async def test_a_lookup_starts_beside_only_where_it_waits(server: Server, said: list[bool]) -> None:
    """On PostgreSQL the lookup is a round trip, which the request overlaps; on SQLite it is a
    read on the event loop's thread, made first: nothing to overlap, a task less."""
    postgres = get_connection("default").capabilities.dialect == "postgres"
    assert auth.recent.lookup_waits() is postgres
    for _ in range(2):
        answer = await server.post(BILLING_E, Role.BILLING)
        assert answer.status_code == 200 and answer.json()["data"]["customers"]["nodes"]
    assert said == ([True] if postgres else [])


async def _token(server: Server, role: Role) -> ApiToken:
    return await ApiToken.get(token_hash=hash_token(server.token(role)))


async def _revoke(token: ApiToken) -> None:
    await ApiToken.filter(id=token.id).update(revoked_at=datetime.now(UTC))


async def _expire(token: ApiToken) -> None:
    await ApiToken.filter(id=token.id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))


async def _disable(token: ApiToken) -> None:
    await Account.filter(id=token.account_id).update(disabled=True)


async def _new_role(token: ApiToken) -> None:
    await Account.filter(id=token.account_id).update(role=Role.SUPPORT)


def _shape(response: httpx.Response) -> tuple[int, object]:
    body = response.json()
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or ()]
    return response.status_code, (body.get("data"), codes)


async def test_a_token_used_again_starts_from_its_last_check(
    server: Server, confirmations: list[bool]
) -> None:
    first = await server.post(BILLING_E, Role.BILLING)
    second = await server.post(BILLING_E, Role.BILLING)
    assert first.status_code == second.status_code == 200
    assert first.json()["data"] == second.json()["data"] and second.json()["data"]
    assert confirmations == [True]  # the second one's lookup ran beside it and agreed
    ref = second.json()["extensions"]["privacy"]["auditRef"]
    assert await AuditRequest.filter(request_id=ref).exists()


@pytest.mark.parametrize("change", [_revoke, _expire, _disable, _new_role])
async def test_a_credential_changed_since_its_last_check_gets_nothing(
    server: Server,
    confirmations: list[bool],
    change: Callable[[ApiToken], Awaitable[None]],
) -> None:
    await server.post(BILLING_E, Role.BILLING)
    token = await _token(server, Role.BILLING)
    await change(token)
    before = await AuditRequest.all().count()
    answer = await server.post(BILLING_E, Role.BILLING)
    assert confirmations == [False]  # it started from the last check; the lookup disagreed
    await assert_nothing_personal(answer)
    assert await AuditRequest.all().count() == before  # not recorded as read
    # The answer is the one it gets now that nothing is remembered: it ran again as looked up.
    assert _shape(answer) == _shape(await server.post(BILLING_E, Role.BILLING))
    assert _shape(answer)[1] == (None, ["UNAUTHENTICATED"])
    assert confirmations == [False]  # nothing started from the old check again


@pytest.mark.parametrize("change", [_revoke, _expire, _disable])
async def test_an_answer_with_nothing_to_audit_waits_for_the_lookup_too(
    server: Server,
    confirmations: list[bool],
    change: Callable[[ApiToken], Awaitable[None]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No audit write to wait at: the edge alone holds the answer back. (`me` itself waits
    in the guard, being the caller's own: here it is taken for a query that only reads.)"""
    monkeypatch.setattr(directives.guard.PrivacyGuard, "_reads_only", lambda *_: True)
    assert (await server.post(ME, Role.BILLING)).json()["data"]["me"]["login"]
    await change(await _token(server, Role.BILLING))
    answer = await server.post(ME, Role.BILLING)
    assert confirmations == [False]
    assert not (answer.json().get("data") or {}).get("me")
    assert _shape(answer) == _shape(await server.post(ME, Role.BILLING))


async def test_a_revoked_token_changes_nothing(server: Server, confirmations: list[bool]) -> None:
    assert (await server.post(ME, Role.CUSTOMER)).json()["data"]
    await _revoke(await _token(server, Role.CUSTOMER))
    before = await Contact.all().count()
    answer = await server.client.post(
        "/graphql",
        json={"query": ADD, "variables": {"input": {"name": "高橋 一郎", "phone": "03-1234-5678"}}},
        headers=server.auth(Role.CUSTOMER),
    )
    assert confirmations == [False]
    assert _shape(answer)[1] == (None, ["UNAUTHENTICATED"])
    assert await Contact.all().count() == before


async def test_the_window_is_short(
    server: Server, confirmations: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert auth.recent.RECHECK_WITHIN <= 5
    await server.post(BILLING_E, Role.BILLING)
    later = RecentCallers._now() + auth.recent.RECHECK_WITHIN
    monkeypatch.setattr(RecentCallers, "_now", staticmethod(lambda: later))
    assert (await server.post(BILLING_E, Role.BILLING)).status_code == 200
    assert confirmations == []  # looked up first, as the first time


async def test_a_caller_changed_but_still_valid_is_answered_as_it_is_now(
    server: Server, confirmations: list[bool]
) -> None:
    """The login renamed: the token still works, for the caller the lookup gives now; only
    that run is recorded, under the new name."""
    await server.post(BILLING_E, Role.BILLING)
    token = await _token(server, Role.BILLING)
    await Account.filter(id=token.account_id).update(login="billing-renamed")
    before = await AuditRequest.all().count()
    answer = await server.post(BILLING_E, Role.BILLING)
    assert confirmations == [False]
    assert answer.status_code == 200 and answer.json()["data"]["customers"]["nodes"]
    ref = answer.json()["extensions"]["privacy"]["auditRef"]
    assert await AuditRequest.all().count() == before + 1
    assert (await AuditRequest.get(request_id=ref)).actor == "billing-renamed"
