"""Issue 3 end to end through HTTP: login ID + password + TOTP, staged sessions (bearer tokens
and cookies with CSRF), enrolment, throttling, revocation, API tokens, security events, the
access log (P6.1) and P7.2 contacts.

Each test runs the real app with its lifespan (tests/test_server.py's fixtures): its own
database, demo accounts with real argon2 hashes, real pyotp codes. Every test also asserts
what must not come back: no data beside a refusal, no token, password or code echoed or logged.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest

from auth.throttle import login_key
from directives.vocabulary import Role
from models import (
    AccessLogEntry,
    Account,
    ApiToken,
    AuditRequest,
    Contact,
    Customer,
    CustomerVersion,
    LoginThrottle,
    SecurityEvent,
    Session,
)
from resolvers.accounts.cookies import CSRF_COOKIE, HOST_PREFIX, SESSION_COOKIE
from server import Settings
from tests import test_server
from tests.binding_flow import Flow
from tests.mailbox import Mailbox
from tests.test_server import Server, body_text, error_codes, personal_values

# tests/test_server.py's fixtures: a fresh database and the running app with its demo accounts.
database_url = test_server.database_url
settings = test_server.settings
server = test_server.server

LOGIN = """
mutation Login($login: String!, $password: String!, $client: ClientKind! = TOKEN) {
  login(login: $login, password: $password, client: $client) { stage token csrfToken }
}"""
VERIFY_CODE = "mutation($code: String!) { verifyTotp(code: $code) { stage token csrfToken } }"
VERIFY_RECOVERY = "mutation($code: String!) { verifyTotp(recoveryCode: $code) { stage token } }"
CHANGE_PASSWORD = """
mutation($current: String!, $new: String!) {
  changePassword(currentPassword: $current, newPassword: $new) { stage token }
}"""
ME = "{ me { login stage } }"
CUSTOMERS = "{ customers(first: 1) { nodes { id name } } }"
NEW_PHONE = "03-5555-0000"
UPDATE_MY_PHONE = 'mutation { updateMyRecord(input: {phone: "03-5555-0000"}) { phone } }'
GOOD_PASSWORD = "Correct horse battery staple 42!"
CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)


# --- helpers -----------------------------------------------------------------------------------


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


async def gql(
    server: Server,
    query: str,
    *,
    token: str | None = None,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await server.client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={**bearer(token), **(headers or {})},
    )


def data_of(response: httpx.Response) -> dict[str, Any]:
    """The data of a successful operation (no error at all)."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def assert_refused(response: httpx.Response, code: str) -> None:
    """Refused with `code` and nothing else: no value under any root field."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert not any((body["data"] or {}).values()), body
    assert error_codes(response) == [code], body


def credentials(server: Server, role: Role) -> dict[str, str]:
    return server.credentials[role.value]


async def log_in(
    server: Server, login: str, password: str, *, browser: bool = False
) -> httpx.Response:
    variables = {"login": login, "password": password, "client": "BROWSER" if browser else "TOKEN"}
    return await gql(server, LOGIN, variables=variables)


async def password_step(server: Server, role: Role) -> dict[str, Any]:
    """The demo account of `role` logs in with its password (TOKEN client)."""
    cred = credentials(server, role)
    result: dict[str, Any] = data_of(await log_in(server, cred["login"], cred["password"]))["login"]
    return result


async def customer_session(server: Server) -> str:
    """A FULL bearer session of the demo CUSTOMER (no TOTP: FULL after the password)."""
    step = await password_step(server, Role.CUSTOMER)
    assert step["stage"] == "FULL"
    token: str = step["token"]
    return token


async def verify(server: Server, pending: str, code: str) -> httpx.Response:
    return await gql(server, VERIFY_CODE, token=pending, variables={"code": code})


async def works_as(server: Server, token: str) -> str | None:
    """The login a token acts as, or None when it authenticates nobody."""
    response = await gql(server, "{ me { login } }", token=token)
    if error_codes(response) == ["UNAUTHENTICATED"]:
        assert response.json()["data"] is None
        return None
    login: str = data_of(response)["me"]["login"]
    return login


def wrong_code(secret: str) -> str:
    """A six-digit code that no step within the server's +-1 window accepts."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.now(UTC))
    valid = {totp.generate_otp(step) for step in range(now - 2, now + 3)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def cookie_headers(response: httpx.Response) -> dict[str, list[str]]:
    """Set-Cookie headers by cookie name, as lower-cased attribute lists (the value first)."""
    found: dict[str, list[str]] = {}
    for header in response.headers.get_list("set-cookie"):
        first, *attributes = [part.strip() for part in header.split(";")]
        name, _, value = first.partition("=")
        found[name] = [value, *(a.lower() for a in attributes)]
    return found


async def security_events(server: Server, kind: str) -> list[dict[str, Any]]:
    """Security events of `kind`, read by the demo AUDITOR through its API token."""
    response = await gql(
        server,
        "query($kind: String!) { securityEvents(kind: $kind, first: 1000)"
        " { nodes { kind actor detail clientAddress } } }",
        token=server.token(Role.AUDITOR),
        variables={"kind": kind},
    )
    nodes: list[dict[str, Any]] = data_of(response)["securityEvents"]["nodes"]
    return nodes


@asynccontextmanager
async def from_address(server: Server, address: str) -> AsyncIterator[Server]:
    """The same running app seen from another client address (throttles count per address)."""
    transport = server.client._transport
    assert isinstance(transport, httpx.ASGITransport)
    other = httpx.ASGITransport(app=transport.app, client=(address, 50000))
    async with httpx.AsyncClient(transport=other, base_url=server.client.base_url) as client:
        yield Server(client, server.credentials)


async def text_columns(model: type[SecurityEvent] | type[AccessLogEntry]) -> list[str]:
    """Every row of a log table as one string of its text columns (where anything could hide)."""
    columns = {
        SecurityEvent: ("kind", "actor", "client_address", "detail"),
        AccessLogEntry: ("host_name", "client_address", "browser", "os", "method", "path"),
    }[model]
    rows = await model.all().values(*columns)
    return [" ".join(str(row[c]) for c in columns) for row in rows]


async def assert_record_unchanged() -> None:
    assert not await Customer.filter(phone=NEW_PHONE).exists()
    assert await CustomerVersion.all().count() == 0


# --- 1. the TOTP stage -------------------------------------------------------------------------


async def test_admin_logs_in_with_password_then_totp(server: Server) -> None:
    admin = credentials(server, Role.ADMIN)
    response = await log_in(server, admin["login"], admin["password"])
    assert not response.headers.get_list("set-cookie")  # TOKEN clients get no cookie
    step = data_of(response)["login"]
    assert step["stage"] == "PENDING_TOTP" and step["csrfToken"] is None
    pending: str = step["token"]
    assert len(pending) >= 43

    # Before FULL: `me` alone, and the next step; nothing else, not even beside `me`.
    assert data_of(await gql(server, ME, token=pending)) == {
        "me": {"login": admin["login"], "stage": "PENDING_TOTP"}
    }
    assert_refused(await gql(server, CUSTOMERS, token=pending), "LOGIN_STEP_REQUIRED")
    mixed = await gql(server, "{ me { login } mySessions { id } }", token=pending)
    assert_refused(mixed, "LOGIN_STEP_REQUIRED")
    tokens_before = await ApiToken.all().count()
    minting = await gql(
        server, 'mutation { createApiToken(name: "x", password: "p") { token } }', token=pending
    )
    assert_refused(minting, "LOGIN_STEP_REQUIRED")
    assert await ApiToken.all().count() == tokens_before
    assert await AuditRequest.all().count() == 0

    full_step = data_of(await verify(server, pending, pyotp.TOTP(admin["totp_secret"]).now()))
    full = full_step["verifyTotp"]
    assert full["stage"] == "FULL" and full["csrfToken"] is None
    assert full["token"] and full["token"] != pending

    assert_refused(await gql(server, ME, token=pending), "UNAUTHENTICATED")
    assert data_of(await gql(server, ME, token=full["token"])) == {
        "me": {"login": admin["login"], "stage": "FULL"}
    }


# --- 2. one answer for a wrong password and an unknown ID --------------------------------------


async def test_wrong_password_and_unknown_login_id_get_the_same_answer(server: Server) -> None:
    support = credentials(server, Role.SUPPORT)
    wrong = await log_in(server, support["login"], "not-the-password-123!")
    unknown = await log_in(server, "nobody-by-that-id", "not-the-password-123!")
    for response in (wrong, unknown):
        assert_refused(response, "LOGIN_FAILED")
    assert wrong.status_code == unknown.status_code
    assert wrong.json() == unknown.json()  # same code, same message, same everything
    assert "nobody-by-that-id" not in unknown.text and "not-the-password" not in unknown.text


# --- 3. a TOTP code is accepted once -----------------------------------------------------------


async def test_a_used_totp_code_is_refused_and_recorded_as_a_replay(server: Server) -> None:
    admin = credentials(server, Role.ADMIN)
    code = pyotp.TOTP(admin["totp_secret"]).now()
    first = await password_step(server, Role.ADMIN)
    assert data_of(await verify(server, first["token"], code))["verifyTotp"]["stage"] == "FULL"

    second = await password_step(server, Role.ADMIN)
    replay = await verify(server, second["token"], code)
    assert_refused(replay, "TOTP_INVALID")
    assert code not in replay.text

    events = await security_events(server, "TOTP_REPLAY")
    assert [(e["kind"], e["actor"]) for e in events] == [("TOTP_REPLAY", admin["login"])]
    assert all(code not in json.dumps(e) for e in events)


async def test_two_concurrent_requests_with_one_code_let_exactly_one_in(server: Server) -> None:
    admin = credentials(server, Role.ADMIN)
    pending = [await password_step(server, Role.ADMIN) for _ in range(2)]
    code = pyotp.TOTP(admin["totp_secret"]).now()
    responses = await asyncio.gather(*(verify(server, p["token"], code) for p in pending))

    stages = sorted(
        (r.json()["data"] or {}).get("verifyTotp", {}).get("stage") or "refused" for r in responses
    )
    assert stages == ["FULL", "refused"]
    [lost] = [r for r in responses if r.json()["data"] is None]
    assert_refused(lost, "TOTP_INVALID")
    assert await SecurityEvent.filter(kind="TOTP_REPLAY").count() == 1
    assert await SecurityEvent.filter(kind="LOGIN_SUCCESS", actor=admin["login"]).count() == 1


# --- 4. browsers: HttpOnly SameSite=Strict cookie, CSRF header ---------------------------------


async def test_browser_session_lives_in_a_cookie_guarded_by_the_csrf_header(
    server: Server,
) -> None:
    customer = credentials(server, Role.CUSTOMER)
    response = await log_in(server, customer["login"], customer["password"], browser=True)
    step = data_of(response)["login"]
    assert step["stage"] == "FULL" and step["token"] is None
    csrf: str = step["csrfToken"]
    cookies = cookie_headers(response)
    session, *session_attributes = cookies[SESSION_COOKIE]
    csrf_cookie, *csrf_attributes = cookies[CSRF_COOKIE]
    assert "httponly" in session_attributes and "samesite=strict" in session_attributes
    assert "path=/" in session_attributes
    assert "secure" not in session_attributes  # plain HTTP here; see the TLS test
    assert csrf_cookie == csrf and "samesite=strict" in csrf_attributes
    assert "httponly" not in csrf_attributes  # the page reads it to send the header
    assert len(session) >= 43 and session != csrf
    assert session not in response.text  # the session token never travels in the body

    server.client.cookies.clear()  # every request below says exactly what it carries
    with_cookie = {"Cookie": f"{SESSION_COOKIE}={session}"}
    right = {**with_cookie, "X-CSRF-Token": csrf}
    wrong = {**with_cookie, "X-CSRF-Token": csrf[:-2] + "xx"}

    for headers in (with_cookie, wrong, {**with_cookie, "X-CSRF-Token": session}):
        for query in (ME, UPDATE_MY_PHONE):
            refused = await gql(server, query, headers=headers)
            assert refused.status_code == 403
            assert customer["login"] not in refused.text and "data" not in refused.text
    await assert_record_unchanged()

    assert data_of(await gql(server, ME, headers=right)) == {
        "me": {"login": customer["login"], "stage": "FULL"}
    }
    # The cookie's token is no bearer token.
    assert_refused(await gql(server, ME, token=session), "UNAUTHENTICATED")

    # Mutations over GET and form posts are refused, whatever they carry.
    for headers in (with_cookie, right):
        over_get = await server.client.get(
            "/graphql", params={"query": UPDATE_MY_PHONE}, headers=headers
        )
        assert over_get.status_code == 405  # POST only
    form = await server.client.post(
        "/graphql", data={"query": UPDATE_MY_PHONE}, headers=with_cookie
    )
    assert form.status_code == 403
    form = await server.client.post("/graphql", data={"query": UPDATE_MY_PHONE}, headers=right)
    assert form.status_code == 400
    await assert_record_unchanged()

    logout = await gql(server, "mutation { logout }", headers=right)
    assert data_of(logout) == {"logout": True}
    cleared = cookie_headers(logout)
    assert cleared[SESSION_COOKIE][0] in ("", '""') and "max-age=0" in cleared[SESSION_COOKIE]
    assert "max-age=0" in cleared[CSRF_COOKIE]
    for headers in (right, with_cookie):
        assert_refused(await gql(server, ME, headers=headers), "UNAUTHENTICATED")


async def test_browser_cookies_are_secure_over_tls(server: Server) -> None:
    customer = credentials(server, Role.CUSTOMER)
    response = await server.client.post(
        "https://crm.test/graphql",
        json={
            "query": LOGIN,
            "variables": {
                "login": customer["login"],
                "password": customer["password"],
                "client": "BROWSER",
            },
        },
    )
    assert data_of(response)["login"]["stage"] == "FULL"
    cookies = cookie_headers(response)
    # ASVS 5.0 3.3.1: over TLS the names carry __Host- (Secure, path /, no Domain).
    assert SESSION_COOKIE not in cookies and CSRF_COOKIE not in cookies
    for name in (HOST_PREFIX + SESSION_COOKIE, HOST_PREFIX + CSRF_COOKIE):
        _value, *attributes = cookies[name]
        assert "secure" in attributes and "path=/" in attributes
        assert not any(a.startswith("domain") for a in attributes)
    session = cookies[HOST_PREFIX + SESSION_COOKIE][0]
    csrf = cookies[HOST_PREFIX + CSRF_COOKIE][0]
    server.client.cookies.clear()
    me = await server.client.post(
        "https://crm.test/graphql",
        json={"query": ME},
        headers={"Cookie": f"{HOST_PREFIX}{SESSION_COOKIE}={session}", "X-CSRF-Token": csrf},
    )
    assert data_of(me) == {"me": {"login": customer["login"], "stage": "FULL"}}


# --- 5. enrolment of a new account -------------------------------------------------------------


async def test_new_account_changes_its_password_and_enrols_totp(server: Server) -> None:
    created = await gql(
        server,
        'mutation { createAccount(login: "sato-new", role: SUPPORT) { login initialPassword } }',
        token=server.token(Role.ADMIN),
    )
    initial: str = data_of(created)["createAccount"]["initialPassword"]
    assert len(initial) >= 20

    first = data_of(await log_in(server, "sato-new", initial))["login"]
    assert first["stage"] == "PASSWORD_CHANGE"
    assert_refused(await gql(server, CUSTOMERS, token=first["token"]), "LOGIN_STEP_REQUIRED")

    weak = await gql(
        server,
        CHANGE_PASSWORD,
        token=first["token"],
        variables={"current": initial, "new": "password1"},
    )
    assert_refused(weak, "PASSWORD_REJECTED")
    assert weak.json()["errors"][0]["extensions"]["problems"] == ["TOO_SHORT", "COMMON"]
    assert "password1" not in weak.text and initial not in weak.text

    changed = await gql(
        server,
        CHANGE_PASSWORD,
        token=first["token"],
        variables={"current": initial, "new": GOOD_PASSWORD},
    )
    enrolling = data_of(changed)["changePassword"]
    assert enrolling["stage"] == "TOTP_ENROLMENT" and enrolling["token"] != first["token"]
    assert GOOD_PASSWORD not in changed.text
    assert await works_as(server, first["token"]) is None
    token: str = enrolling["token"]

    enrolment = data_of(
        await gql(server, "mutation { enrolTotp { otpauthUri qrSvg } }", token=token)
    )
    uri: str = enrolment["enrolTotp"]["otpauthUri"]
    assert uri.startswith("otpauth://totp/") and "sato-new" in uri
    assert "<svg" in enrolment["enrolTotp"]["qrSvg"]
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    totp = pyotp.TOTP(secret)

    confirm = (
        "mutation($code: String!) {"
        " confirmTotp(code: $code) { recoveryCodes login { stage token } } }"
    )
    bad = await gql(server, confirm, token=token, variables={"code": wrong_code(secret)})
    assert_refused(bad, "TOTP_INVALID")
    confirmed = data_of(await gql(server, confirm, token=token, variables={"code": totp.now()}))
    codes: list[str] = confirmed["confirmTotp"]["recoveryCodes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    login = confirmed["confirmTotp"]["login"]
    assert login["stage"] == "FULL" and login["token"] != token
    full: str = login["token"]
    assert await works_as(server, token) is None

    again = await gql(server, "mutation { enrolTotp { otpauthUri } }", token=full)
    assert_refused(again, "TOTP_ALREADY_ENROLLED")
    me = await gql(
        server,
        "{ me { login role stage totpEnabled } mySessions { id current browser } }",
        token=full,
    )
    assert data_of(me)["me"] == {
        "login": "sato-new",
        "role": "SUPPORT",
        "stage": "FULL",
        "totpEnabled": True,
    }
    # The secret is shown once, in the enrolment URI: no field returns it, the row holds it sealed.
    schema = await gql(server, "{ __schema { types { name fields { name } } } }", token=full)
    names = [f["name"] for t in data_of(schema)["__schema"]["types"] for f in t["fields"] or []]
    assert names and not [n for n in names if "secret" in n.lower()]
    for response in (me, schema, again):
        assert secret not in response.text
    stored = await Account.get(login="sato-new")
    assert stored.totp_secret and secret not in stored.totp_secret

    # A recovery code replaces a TOTP code once.
    later = data_of(await log_in(server, "sato-new", GOOD_PASSWORD))["login"]
    assert later["stage"] == "PENDING_TOTP"
    recovered = await gql(
        server, VERIFY_RECOVERY, token=later["token"], variables={"code": codes[0]}
    )
    assert data_of(recovered)["verifyTotp"]["stage"] == "FULL"
    reused = data_of(await log_in(server, "sato-new", GOOD_PASSWORD))["login"]
    refused = await gql(
        server, VERIFY_RECOVERY, token=reused["token"], variables={"code": codes[0]}
    )
    assert_refused(refused, "TOTP_INVALID")
    assert codes[0] not in refused.text


# --- 6. throttling -----------------------------------------------------------------------------


async def five_tries(
    server: Server, login_id: str, right_password: str
) -> list[list[dict[str, Any]]]:
    """Four wrong passwords, then the right one: each answer's errors."""
    answers = []
    for password in [*(f"wrong-password-{n}!" for n in range(1, 5)), right_password]:
        response = await log_in(server, login_id, password)
        assert response.status_code == 200 and response.json()["data"] is None
        answers.append(response.json()["errors"])
    return answers


async def test_repeated_failures_throttle_known_and_unknown_ids_alike(
    server: Server, settings: Settings
) -> None:
    support = credentials(server, Role.SUPPORT)
    async with from_address(server, "203.0.113.10") as known_client:
        known = await five_tries(known_client, support["login"], support["password"])
    async with from_address(server, "203.0.113.20") as unknown_client:
        unknown = await five_tries(unknown_client, "no-such-login-id", support["password"])

    codes = [[e["extensions"]["code"] for e in errors] for errors in known]
    # From the fourth try each waits; the right password does not get through meanwhile.
    assert codes == [["LOGIN_FAILED"]] * 3 + [["LOGIN_THROTTLED"]] * 2
    retry_after = known[4][0]["extensions"]["retryAfter"]
    assert isinstance(retry_after, int) and 1 <= retry_after <= 64
    assert unknown == known  # same codes, messages and retryAfter at the same counts
    assert not await SecurityEvent.filter(kind="LOGIN_SUCCESS").exists()
    # Counted under a keyed hash of the ID, never the ID itself (a mistyped ID may be a password).
    key = login_key(settings.auth_config().box, "no-such-login-id")
    assert await LoginThrottle.filter(key=key, failures=3).exists()
    assert not await LoginThrottle.filter(key__contains="no-such-login-id").exists()


async def test_aliases_cannot_multiply_password_guesses(server: Server) -> None:
    support, customer = credentials(server, Role.SUPPORT), credentials(server, Role.CUSTOMER)
    two_logins = (
        "mutation($a: String!, $pa: String!, $b: String!, $pb: String!) {"
        " a: login(login: $a, password: $pa) { token }"
        " b: login(login: $b, password: $pb) { token } }"
    )
    # Refused whole before anything runs: no guess is tried, no session opened unseen.
    wrong_then_right = await gql(
        server,
        two_logins,
        variables={
            "a": support["login"],
            "pa": "wrong-password-1!",
            "b": support["login"],
            "pb": support["password"],
        },
    )
    assert_refused(wrong_then_right, "ONE_AUTH_ATTEMPT_PER_REQUEST")
    right_then_guess = await gql(
        server,
        two_logins,
        variables={
            "a": customer["login"],
            "pa": customer["password"],
            "b": support["login"],
            "pb": support["password"],
        },
    )
    assert_refused(right_then_guess, "ONE_AUTH_ATTEMPT_PER_REQUEST")
    for response in (wrong_then_right, right_then_guess):
        assert '"token"' not in response.text
    assert await LoginThrottle.all().count() == 0
    assert not await SecurityEvent.filter(kind__in=["LOGIN_FAILURE", "LOGIN_SUCCESS"]).exists()
    assert not await Session.all().exists()


# --- 7, 8. revocation --------------------------------------------------------------------------


async def test_password_change_ends_the_other_sessions(server: Server) -> None:
    customer = credentials(server, Role.CUSTOMER)
    changing, other = await customer_session(server), await customer_session(server)
    changed = await gql(
        server,
        CHANGE_PASSWORD,
        token=changing,
        variables={"current": customer["password"], "new": GOOD_PASSWORD},
    )
    assert data_of(changed) == {"changePassword": None}  # a FULL session stays as it is
    assert await works_as(server, other) is None
    assert await works_as(server, changing) == customer["login"]
    assert_refused(await log_in(server, customer["login"], customer["password"]), "LOGIN_FAILED")
    assert data_of(await log_in(server, customer["login"], GOOD_PASSWORD))["login"]["stage"] == (
        "FULL"
    )
    events = await security_events(server, "PASSWORD_CHANGE")
    assert [e["actor"] for e in events] == [customer["login"]]


async def test_logout_other_sessions_keeps_only_this_one(server: Server) -> None:
    customer = credentials(server, Role.CUSTOMER)
    keeping = await customer_session(server)
    others = [await customer_session(server) for _ in range(2)]
    ended = await gql(server, "mutation { logoutOtherSessions }", token=keeping)
    assert data_of(ended) == {"logoutOtherSessions": 2}
    for token in others:
        assert await works_as(server, token) is None
    assert await works_as(server, keeping) == customer["login"]
    sessions = data_of(await gql(server, "{ mySessions { current } }", token=keeping))
    assert sessions == {"mySessions": [{"current": True}]}


async def test_disabling_an_account_ends_its_sessions_and_stops_its_tokens(
    server: Server,
) -> None:
    customer = credentials(server, Role.CUSTOMER)
    session = await customer_session(server)
    disable = 'mutation { setAccountDisabled(login: "demo-customer", disabled: true) }'
    assert_refused(await gql(server, disable, token=server.token(Role.SUPPORT)), "FORBIDDEN")
    assert await works_as(server, session) == customer["login"]

    assert data_of(await gql(server, disable, token=server.token(Role.ADMIN))) == {
        "setAccountDisabled": True
    }
    assert await works_as(server, session) is None
    assert await works_as(server, customer["token"]) is None
    assert_refused(await log_in(server, customer["login"], customer["password"]), "LOGIN_FAILED")


async def test_flagging_a_compromise_forces_a_password_change(server: Server) -> None:
    customer = credentials(server, Role.CUSTOMER)
    session = await customer_session(server)
    flag = 'mutation { flagCompromised(login: "demo-customer") }'
    assert data_of(await gql(server, flag, token=server.token(Role.ADMIN))) == {
        "flagCompromised": True
    }
    assert await works_as(server, session) is None

    step = data_of(await log_in(server, customer["login"], customer["password"]))["login"]
    assert step["stage"] == "PASSWORD_CHANGE"
    assert_refused(await gql(server, CUSTOMERS, token=step["token"]), "LOGIN_STEP_REQUIRED")
    changed = await gql(
        server,
        CHANGE_PASSWORD,
        token=step["token"],
        variables={"current": customer["password"], "new": GOOD_PASSWORD},
    )
    full = data_of(changed)["changePassword"]
    assert full["stage"] == "FULL" and full["token"] != step["token"]
    assert await works_as(server, full["token"]) == customer["login"]


# --- 9. API tokens -----------------------------------------------------------------------------


async def test_api_tokens_are_shown_once_listed_without_value_and_revocable(
    server: Server,
) -> None:
    customer = credentials(server, Role.CUSTOMER)
    session = await customer_session(server)
    create = (
        'mutation($p: String!) { createApiToken(name: "integration", password: $p) { name token } }'
    )
    # Minting a lasting credential needs the password again, not just a session.
    wrong = await gql(server, create, token=session, variables={"p": "not the password!"})
    assert_refused(wrong, "LOGIN_FAILED")
    assert await ApiToken.filter(name="integration").count() == 0
    created = data_of(
        await gql(server, create, token=session, variables={"p": customer["password"]})
    )["createApiToken"]
    token: str = created["token"]
    assert created["name"] == "integration" and len(token) >= 43
    assert await works_as(server, token) == customer["login"]

    twice = await gql(server, create, token=session, variables={"p": customer["password"]})
    assert_refused(twice, "BAD_INPUT")
    assert token not in twice.text

    listing = await gql(server, "{ myApiTokens { name role revoked } }", token=session)
    assert data_of(listing) == {
        "myApiTokens": [
            {"name": "demo", "role": "CUSTOMER", "revoked": False},
            {"name": "integration", "role": "CUSTOMER", "revoked": False},
        ]
    }
    assert token not in listing.text and customer["token"] not in listing.text
    no_field = await gql(server, "{ myApiTokens { token } }", token=session)
    assert no_field.json()["data"] is None and token not in no_field.text

    revoke = 'mutation { revokeApiToken(name: "integration") }'
    assert data_of(await gql(server, revoke, token=session)) == {"revokeApiToken": True}
    assert await works_as(server, token) is None

    count = await ApiToken.all().count()
    mint = 'mutation { createApiToken(name: "x", password: "p") { token } }'
    by_token = await gql(server, mint, token=token)
    assert_refused(by_token, "UNAUTHENTICATED")
    by_api = await gql(server, mint, token=customer["token"])
    assert_refused(by_api, "FORBIDDEN")
    assert await ApiToken.all().count() == count


# --- 10. the access log (P6.1) -----------------------------------------------------------------


async def test_access_log_records_requests_without_personal_information(server: Server) -> None:
    customer = credentials(server, Role.CUSTOMER)
    browser = {"User-Agent": CHROME_ON_WINDOWS}
    cookie = "cookie-value-that-must-not-be-logged"
    query = (
        "mutation LeakCheck($email: String!) {"
        " updateMyRecord(input: {email: $email}) { name phone email } }"
    )
    secrets_sent = [
        customer["token"],
        customer["password"],
        cookie,
        customer["login"],
        query,
        "LeakCheck",
        "updateMyRecord",
        "taro.leak@example.com",
        "taro@example.com",
        "secret-query-string",
    ]

    response = await gql(
        server,
        query,
        token=customer["token"],
        variables={"email": "taro.leak@example.com"},
        headers={**browser, "Cookie": f"{SESSION_COOKIE}={cookie}; other={cookie}"},
    )
    assert data_of(response)["updateMyRecord"]["email"] == "taro.leak@example.com"
    failed = await log_in(server, customer["login"], customer["password"] + "-wrong")
    assert_refused(failed, "LOGIN_FAILED")
    secrets_sent.append(customer["password"] + "-wrong")
    missing = await server.client.get("/nope/taro@example.com", headers=browser)
    assert missing.status_code == 404
    health = await server.client.get("/healthz?email=secret-query-string", headers=browser)
    assert health.status_code == 200

    read = (
        "{ accessLog(first: 1000) { nodes"
        " { method path status browser os clientAddress durationMs hostName } } }"
    )
    assert_refused(await gql(server, read, token=server.token(Role.SUPPORT)), "FORBIDDEN")
    assert_refused(await gql(server, read, token=server.token(Role.ADMIN)), "FORBIDDEN")
    nodes = data_of(await gql(server, read, token=server.token(Role.AUDITOR)))["accessLog"]["nodes"]

    chrome = [n for n in nodes if n["browser"] == "Chrome"]
    assert {(n["method"], n["path"], n["status"]) for n in chrome} == {
        ("POST", "/graphql", 200),
        ("GET", "(other)", 404),
    }  # probes (/healthz) are answered but not logged
    assert all(n["os"] == "Windows" for n in chrome)
    assert all(n["hostName"] is None for n in nodes)  # no reverse lookup unless configured
    assert all(n["clientAddress"] == "127.0.0.1" for n in nodes)
    assert all(isinstance(n["durationMs"], float | int) and n["durationMs"] >= 0 for n in nodes)
    assert len(nodes) == 5  # the requests above but the probe, and nothing else

    rows = await text_columns(AccessLogEntry)
    assert len(rows) == len(nodes) + 1  # plus the auditor's own read, logged after it
    sensitive = {*secrets_sent, *await personal_values()}
    leaked = {value for value in sensitive if any(value in row for row in rows)}
    assert not leaked


@pytest.mark.parametrize(
    "user_agent",
    [
        "{email}/1.0 CFNetwork/1220.1 Darwin/20.3.0",  # an iOS app's UA: "<app>/<build> ..."
        "{phone}Spider/1.0",  # a crawler's UA
    ],
    ids=["cfnetwork-app", "crawler"],
)
async def test_access_log_never_echoes_free_text_from_the_user_agent(
    server: Server, user_agent: str
) -> None:
    # P6.1: "no personal information" -- the browser column keeps a browser family, never
    # text the client chose; ua-parser echoes some products' names verbatim.
    person = await Customer.all().order_by("id").first()
    assert person is not None and person.email and person.phone
    digits = "".join(c for c in person.phone if c.isdigit())
    header = user_agent.format(email=person.email, phone=digits)
    response = await server.client.get("/nowhere", headers={"User-Agent": header})
    assert response.status_code == 404  # probes are not logged: any other path is

    [row] = await text_columns(AccessLogEntry)
    injected = header.split("/")[0]
    assert injected not in row
    assert not {value for value in await personal_values() if value in row}


# --- 11. security events -----------------------------------------------------------------------


async def test_failed_logins_are_recorded_without_credentials(server: Server) -> None:
    admin = credentials(server, Role.ADMIN)
    typed_id = "Tr0ub4dor&3-typed-in-the-id-field"
    assert_refused(await log_in(server, typed_id, "whatever-password-1!"), "LOGIN_FAILED")
    assert_refused(await log_in(server, admin["login"], "wrong-password-2!"), "LOGIN_FAILED")
    pending = await password_step(server, Role.ADMIN)
    code = pyotp.TOTP(admin["totp_secret"]).now()
    full = data_of(await verify(server, pending["token"], code))["verifyTotp"]

    failures = await security_events(server, "LOGIN_FAILURE")
    assert [(e["actor"], e["clientAddress"]) for e in failures] == [
        ("-", "127.0.0.1"),
        (admin["login"], "127.0.0.1"),
    ]
    successes = await security_events(server, "LOGIN_SUCCESS")
    assert [e["actor"] for e in successes] == [admin["login"]]

    rows = await text_columns(SecurityEvent)
    credentials_used = [
        typed_id,
        "Tr0ub4dor",
        "whatever-password-1!",
        "wrong-password-2!",
        admin["password"],
        admin["totp_secret"],
        code,
        pending["token"],
        full["token"],
        server.token(Role.AUDITOR),
    ]
    assert not [c for c in credentials_used if any(c in row for row in rows)]


@pytest.mark.parametrize(
    ("role", "query", "code"),
    [
        (Role.CUSTOMER, "{ privacyCatalog { fieldName } }", "FORBIDDEN"),
        (Role.SUPPORT, "{ accessLog { nodes { path } } }", "FORBIDDEN"),
        (Role.CUSTOMER, "{ __schema { types { name } } }", "INTROSPECTION_FORBIDDEN"),
    ],
    ids=["permission-privacy-catalog", "permission-access-log", "guard-introspection"],
)
async def test_refused_authorizations_are_recorded(
    server: Server, role: Role, query: str, code: str
) -> None:
    assert_refused(await gql(server, query, token=server.token(role)), code)
    events = await SecurityEvent.filter(kind="AUTHORIZATION_FAILURE").values(
        "actor", "detail", "client_address"
    )
    assert events == [
        {"actor": credentials(server, role)["login"], "detail": code, "client_address": "127.0.0.1"}
    ]


# --- 12. P7.2 contacts -------------------------------------------------------------------------


async def test_contacts_are_kept_by_the_id_holder_and_cannot_log_in(
    server: Server, settings: Settings, mailbox: Mailbox
) -> None:
    holder = server.token(Role.CUSTOMER)
    added = await gql(
        server,
        'mutation { addContact(input: {name: "田中 一郎", department: "経理部",'
        ' phone: "03-1234-0001", email: "ichiro@tanaka.example"})'
        " { id name phone email version } }",
        token=holder,
    )
    contact = data_of(added)["addContact"]
    assert contact["version"] == 1 and contact["phone"] == "03-1234-0001"
    update = (
        "mutation($id: ID!, $phone: String!) {"
        " updateContact(id: $id, input: {phone: $phone}) { id phone version } }"
    )
    updated = await gql(
        server, update, token=holder, variables={"id": contact["id"], "phone": "03-1234-0002"}
    )
    assert data_of(updated)["updateContact"] == {
        "id": contact["id"],
        "phone": "03-1234-0002",
        "version": 2,
    }

    own = "{ customers { nodes { id contacts { name phone email } } } }"
    nodes = data_of(await gql(server, own, token=holder))["customers"]["nodes"]
    expected = {"name": "田中 一郎", "phone": "03-1234-0002", "email": "ichiro@tanaka.example"}
    assert [n["contacts"] for n in nodes] == [[expected]]
    customer_id = nodes[0]["id"]

    for login_id in ("田中 一郎", "ichiro@tanaka.example"):
        assert_refused(await log_in(server, login_id, "any-password-at-all-1!"), "LOGIN_FAILED")

    support = "query($id: ID!) { customer(id: $id) { contacts { name phone email } } }"
    purpose_c = "query($id: ID!) @purpose(code: C) { customer(id: $id) { contacts { phone } } }"
    seen = await gql(
        server, purpose_c, token=server.token(Role.SUPPORT), variables={"id": customer_id}
    )
    assert data_of(seen)["customer"]["contacts"] == [{"phone": "03-1234-0002"}]
    without = await gql(
        server, support, token=server.token(Role.SUPPORT), variables={"id": customer_id}
    )
    assert_refused(without, "PURPOSE_REQUIRED")
    assert "03-1234-0002" not in without.text and "田中" not in body_text(without)

    other = await other_customer_session(server, settings, mailbox, exclude=int(customer_id))
    hijack = await gql(
        server, update, token=other, variables={"id": contact["id"], "phone": "03-9999-9999"}
    )
    assert_refused(hijack, "NOT_FOUND")
    assert "03-1234-0002" not in hijack.text
    row = await Contact.get(id=int(contact["id"]))
    assert (row.phone, row.version) == ("03-1234-0002", 2)


async def other_customer_session(
    server: Server, settings: Settings, mailbox: Mailbox, *, exclude: int
) -> str:
    """A second CUSTOMER login for another customer, bound as people do it (requested,
    approved by a second administrator, activated by the person): a FULL token."""
    another = await Customer.exclude(id=exclude).order_by("id").first()
    assert another is not None
    return await Flow(server, settings, mailbox, []).bind_customer("kimura", another.id)
