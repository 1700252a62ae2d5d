"""The app through HTTP with its lifespan running: startup (migrations, demo seeding, the
credentials file), bearer tokens, purposes and receipts, the staff-only SDL and GraphiQL, and what
the transport refuses (queries over GET, form posts, batches, field suggestions, leaked errors).

Each test gets its own database: a SQLite file in tmp_path, or, when CRM_TEST_DATABASE_URL is
set, a freshly created PostgreSQL database dropped afterwards (as tests/conftest.py does).
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import stat
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise.connection import get_connection

from demo import AGENT_COUNT, CREDENTIALS_FILE
from demo.accounts import SECOND_ADMIN
from demo.rights import FORMER_CUSTOMERS
from directives.audit import AuditBuffer, AuditHeader
from directives.checkpoint import open_checkpoint, parse_verifier_key
from directives.vocabulary import Role
from models import (
    Account,
    Agent,
    ApiToken,
    AuditCheckpoint,
    AuditLeaf,
    AuditRequest,
    Customer,
    CustomerVersion,
    OptionSubscription,
)
from models.tokens import hash_token
from server import Settings, create_app
from tests.conftest import PG_URL, _admin, _Copies, _with_database

DEMO_CUSTOMERS = 30
BILLING_E = "query @purpose(code: E) { customers(first: 5) { nodes { name accountNumber } } }"
WITHOUT_PURPOSE = "{ customers(first: 5) { nodes { name accountNumber } } }"
INTROSPECTION = "{ __schema { types { name } } }"
SECRET = "secret 090-1234"
HUGE_CURSOR = base64.urlsafe_b64encode(b"c:" + b"9" * 23).decode()


@dataclass
class Server:
    client: httpx.AsyncClient
    credentials: dict[str, dict[str, str]]

    def token(self, role: Role) -> str:
        return self.credentials[role.value]["token"]

    def auth(self, role: Role | None) -> dict[str, str]:
        return {} if role is None else {"Authorization": f"Bearer {self.token(role)}"}

    async def post(
        self, query: str, role: Role | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.client.post(
            "/graphql", json={"query": query}, headers={**self.auth(role), **(headers or {})}
        )


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[Server]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://crm.test") as client:
            credentials = json.loads((settings.data_dir / CREDENTIALS_FILE).read_text())
            yield Server(client, credentials)


@pytest.fixture
async def database_url(
    tmp_path: Path, template: str | _Copies, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    """A copy of the migrated template, or (marked `empty_db`) an empty database."""
    empty = request.node.get_closest_marker("empty_db") is not None
    if not isinstance(template, _Copies):
        if not empty:
            shutil.copyfile(template, tmp_path / "crm.sqlite3")
        yield f"sqlite://{tmp_path / 'crm.sqlite3'}"
        return
    assert PG_URL is not None
    if not empty:
        name = await template.take()
        try:
            yield _with_database(PG_URL, name)
        finally:
            template.discard(name)
        return
    name = f"crm_server_{uuid.uuid4().hex[:12]}"
    await _admin(PG_URL, f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(PG_URL, name)
    finally:
        await _admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path, database_url=database_url, demo=True, demo_customers=DEMO_CUSTOMERS
    )


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[Server]:
    async with serving(settings) as running:
        yield running


def body_text(response: httpx.Response) -> str:
    """The body as a reader sees it (JSON escapes of Japanese text decoded)."""
    try:
        return json.dumps(response.json(), ensure_ascii=False)
    except ValueError:
        return response.text


async def personal_values() -> set[str]:
    rows = await Customer.all().values("name", "phone", "email", "account_number", "address")
    return {value for row in rows for value in row.values() if value}


async def assert_nothing_personal(response: httpx.Response) -> None:
    text = body_text(response)
    assert not {value for value in await personal_values() if value in text}


def error_codes(response: httpx.Response) -> list[str | None]:
    return [(e.get("extensions") or {}).get("code") for e in response.json().get("errors", [])]


async def assert_refused_whole(response: httpx.Response, code: str) -> None:
    """An operation refused with `code`: no data, no receipt, no personal value, no audit."""
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert error_codes(response) == [code]
    assert "privacy" not in (body.get("extensions") or {})
    await assert_nothing_personal(response)
    assert await AuditRequest.all().count() == 0


async def assert_transport_refused(response: httpx.Response) -> None:
    """Refused by the HTTP layer (400, or 405 for GET: POST only) before anything ran."""
    assert response.status_code in (400, 405)
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    await assert_nothing_personal(response)
    assert await AuditRequest.all().count() == 0


# --- startup -----------------------------------------------------------------------------------


@pytest.mark.empty_db
async def test_startup_migrates_seeds_and_writes_credentials(
    server: Server, settings: Settings, tmp_path: Path
) -> None:
    assert await Customer.all().count() == DEMO_CUSTOMERS + FORMER_CUSTOMERS
    assert await Agent.all().count() == AGENT_COUNT
    if PG_URL is None:
        assert (tmp_path / "crm.sqlite3").is_file()
    path = settings.data_dir / CREDENTIALS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # One seat per role, and a second administrator so that four-eyes steps can complete.
    assert set(server.credentials) == {role.value for role in Role} | {SECOND_ADMIN}
    for role, entry in server.credentials.items():
        expected = {"login", "token", "password"} | (
            {"totp_secret"} if role != "CUSTOMER" else set()
        )
        assert set(entry) == expected
    logins = {entry["login"] for entry in server.credentials.values()}
    assert len(logins) == len(Role) + 1
    tokens = [entry["token"] for entry in server.credentials.values()]
    seats = len(Role) + 1
    assert len(set(tokens)) == seats and all(len(t) >= 43 for t in tokens)  # >= 256 bits
    # The file is the only place the tokens are in clear: the database holds hashes.
    assert not await ApiToken.filter(token_hash__in=tokens).exists()
    assert await ApiToken.filter(token_hash__in=[hash_token(t) for t in tokens]).count() == seats


async def test_every_demo_token_works(server: Server) -> None:
    for role in Role:
        response = await server.post("{ me { login role } }", role)
        assert response.status_code == 200
        assert response.json() == {
            "data": {"me": {"login": server.credentials[role.value]["login"], "role": role.value}}
        }
    second = server.credentials[SECOND_ADMIN]
    response = await server.client.post(
        "/graphql",
        json={"query": "{ me { login role } }"},
        headers={"Authorization": f"Bearer {second['token']}"},
    )
    assert response.json() == {"data": {"me": {"login": second["login"], "role": "ADMIN"}}}


async def test_second_start_does_not_reseed_and_keeps_the_file(settings: Settings) -> None:
    path = settings.data_dir / CREDENTIALS_FILE
    async with serving(settings):
        before = path.read_bytes()
        counts = (
            await Customer.all().count(),
            await Agent.all().count(),
            await Account.all().count(),
        )
    assert counts == (DEMO_CUSTOMERS + FORMER_CUSTOMERS, AGENT_COUNT, len(Role) + 1)
    async with serving(replace(settings, demo_customers=7)) as again:
        assert (
            await Customer.all().count(),
            await Agent.all().count(),
            await Account.all().count(),
        ) == counts
        assert path.read_bytes() == before
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        response = await again.post("{ me { login } }", Role.SUPPORT)
        assert response.json() == {"data": {"me": {"login": "demo-support"}}}


# --- purposes and receipts ---------------------------------------------------------------------


async def expected_billing_page() -> list[dict[str, Any]]:
    rows = await Customer.all().order_by("id").limit(5)
    return [{"name": row.name, "accountNumber": row.account_number} for row in rows]


async def test_billing_reads_with_a_receipt_pointing_at_the_audit(server: Server) -> None:
    response = await server.post(BILLING_E, Role.BILLING)
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    assert body["data"]["customers"]["nodes"] == await expected_billing_page()
    request_id = response.headers["x-request-id"]
    receipt = body["extensions"]["privacy"]
    assert receipt["auditRef"] == request_id
    assert receipt["purpose"] == "E" and receipt["personalFields"] == 10
    audit = await AuditRequest.get(request_id=request_id)
    assert (audit.actor, audit.role, audit.purpose, audit.entry_count) == (
        "demo-billing",
        "BILLING",
        "E",
        5,
    )


@pytest.mark.parametrize("header", ["E", "e"])
async def test_x_purpose_header_declares_the_purpose(server: Server, header: str) -> None:
    response = await server.post(WITHOUT_PURPOSE, Role.BILLING, {"X-Purpose": header})
    body = response.json()
    assert "errors" not in body
    assert body["data"]["customers"]["nodes"] == await expected_billing_page()
    assert body["extensions"]["privacy"]["purpose"] == "E"
    assert body["extensions"]["privacy"]["auditRef"] == response.headers["x-request-id"]


async def test_header_and_directive_naming_different_purposes_conflict(server: Server) -> None:
    response = await server.post(BILLING_E, Role.BILLING, {"X-Purpose": "D"})
    await assert_refused_whole(response, "PURPOSE_CONFLICT")


async def test_without_any_purpose_staff_get_nothing(server: Server) -> None:
    response = await server.post(WITHOUT_PURPOSE, Role.BILLING)
    await assert_refused_whole(response, "PURPOSE_REQUIRED")


# --- who is calling ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer not-a-real-token",
        "Bearer " + "A" * 43,
        "Bearer " + "x" * 300,
        "Bearer ",
        "Basic {billing}",  # a valid token under another scheme
        "{billing}",  # a valid token without a scheme
    ],
    ids=["anonymous", "unknown", "token-shaped", "overlong", "empty", "basic", "no-scheme"],
)
async def test_anonymous_and_invalid_tokens_get_nothing(
    server: Server, authorization: str | None
) -> None:
    headers: dict[str, str] = {}
    if authorization is not None:
        headers["Authorization"] = authorization.format(billing=server.token(Role.BILLING))
    response = await server.post(BILLING_E, headers=headers)
    await assert_refused_whole(response, "UNAUTHENTICATED")
    sdl = await server.client.get("/schema.graphql", headers=headers)
    assert sdl.status_code == 401


# --- the schema, GraphiQL, introspection -------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 401),
        (Role.CUSTOMER, 403),
        (Role.AGENT, 403),
        (Role.AUDITOR, 200),
        (Role.SUPPORT, 200),
    ],
)
async def test_sdl_is_for_staff_and_auditors(
    server: Server, role: Role | None, status: int
) -> None:
    response = await server.client.get("/schema.graphql", headers=server.auth(role))
    assert response.status_code == status
    published = "@personal(category: EMAIL" in response.text
    assert published is (status == 200)
    assert ("directive @purpose" in response.text) is (status == 200)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 401),
        (Role.CUSTOMER, 403),
        (Role.AGENT, 403),
        (Role.SUPPORT, 200),
        (Role.AUDITOR, 200),
    ],
)
async def test_graphiql_is_for_staff(server: Server, role: Role | None, status: int) -> None:
    headers = {**server.auth(role), "Accept": "text/html"}
    response = await server.client.get("/graphql", headers=headers)
    assert response.status_code == status
    assert ("graphiql" in response.text.lower()) is (status == 200)


@pytest.mark.parametrize(
    ("role", "code"),
    [
        (None, "UNAUTHENTICATED"),
        (Role.CUSTOMER, "INTROSPECTION_FORBIDDEN"),
        (Role.AGENT, "INTROSPECTION_FORBIDDEN"),
    ],
)
async def test_introspection_is_refused_outside_staff(
    server: Server, role: Role | None, code: str
) -> None:
    response = await server.post(INTROSPECTION, role)
    await assert_refused_whole(response, code)
    assert "Customer" not in response.text


async def test_introspection_is_allowed_for_auditors(server: Server) -> None:
    response = await server.post(INTROSPECTION, Role.AUDITOR)
    body = response.json()
    assert "errors" not in body
    names = {t["name"] for t in body["data"]["__schema"]["types"]}
    assert {"Query", "Customer", "Agent"} <= names


# --- what the transport refuses ----------------------------------------------------------------


@pytest.mark.parametrize("query", [BILLING_E, "{ me { login } }"], ids=["personal", "plain"])
async def test_queries_over_get_are_refused(server: Server, query: str) -> None:
    # Personal values and purposes must never sit in URLs (access logs, proxies, history).
    for accept in ("application/json", "text/html"):
        response = await server.client.get(
            "/graphql",
            params={"query": query},
            headers={**server.auth(Role.BILLING), "Accept": accept},
        )
        await assert_transport_refused(response)


MUTATION = 'mutation { updateMyRecord(input: {phone: "03-0000-0000"}) { phone } }'


async def assert_record_unchanged() -> None:
    assert not await Customer.filter(phone="03-0000-0000").exists()
    assert await CustomerVersion.all().count() == 0


async def test_mutation_over_get_is_refused(server: Server) -> None:
    response = await server.client.get(
        "/graphql", params={"query": MUTATION}, headers=server.auth(Role.CUSTOMER)
    )
    await assert_transport_refused(response)
    await assert_record_unchanged()


@pytest.mark.parametrize(
    ("query", "role"),
    [(BILLING_E, Role.BILLING), (MUTATION, Role.CUSTOMER)],
    ids=["query", "mutation"],
)
@pytest.mark.parametrize("encoding", ["form", "multipart"])
async def test_form_posts_are_refused(
    server: Server, query: str, role: Role, encoding: str
) -> None:
    if encoding == "form":
        response = await server.client.post(
            "/graphql", data={"query": query}, headers=server.auth(role)
        )
    else:
        files = {"operations": (None, json.dumps({"query": query})), "map": (None, "{}")}
        response = await server.client.post("/graphql", files=files, headers=server.auth(role))
    await assert_transport_refused(response)
    await assert_record_unchanged()


async def test_batches_are_refused(server: Server) -> None:
    response = await server.client.post(
        "/graphql",
        json=[{"query": BILLING_E}, {"query": "{ me { login } }"}],
        headers=server.auth(Role.BILLING),
    )
    await assert_transport_refused(response)


@pytest.mark.parametrize(
    "query",
    [
        "{ custmers { nodes { id } } }",
        "{ customers { nodes { nam } } }",
        "{ customers { nodes { agent { emial } } } }",
        "{ customers(frist: 1) { nodes { id } } }",
        "{ customers { nodes { ...F } } } fragment F on Custmer { id }",
        "query ($f: AuditFiltr) { auditEvents(filter: $f) { nodes { id } } }",
        '{ auditEvents(filter: {actr: "x"}) { nodes { id } } }',
    ],
    ids=["root-field", "field", "nested-field", "argument", "type", "variable-type", "input-field"],
)
@pytest.mark.parametrize("role", [None, Role.CUSTOMER], ids=["anonymous", "customer"])
async def test_errors_never_suggest_names(server: Server, query: str, role: Role | None) -> None:
    # Callers who may not introspect must not map the schema through "Did you mean".
    response = await server.post(query, role)
    body = response.json()
    assert body["data"] is None and body["errors"]
    for error in body["errors"]:
        assert "Did you mean" not in error["message"]


# --- failures never leak -----------------------------------------------------------------------


class FailingAuditStore:
    async def write(self, header: AuditHeader, buffer: AuditBuffer) -> None:
        raise RuntimeError(SECRET)


async def test_audit_failure_returns_no_data_and_no_secret(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    async with serving(replace(settings, audit_store=FailingAuditStore())) as failing:
        response = await failing.post(BILLING_E, Role.BILLING)
        body = response.json()
        assert body["data"] is None
        assert error_codes(response) == ["AUDIT_UNAVAILABLE"]
        assert "privacy" not in (body.get("extensions") or {})
        assert "090-1234" not in response.text and "secret" not in response.text
        await assert_nothing_personal(response)
        assert response.headers["x-request-id"] in caplog.text
        assert "090-1234" not in caplog.text
        assert not {value for value in await personal_values() if value in caplog.text}


async def refuse_updates_quoting_a_phone_number() -> None:
    """A real database failure whose driver message carries a personal value."""
    if PG_URL is None:
        sql = (
            "CREATE TRIGGER refuse BEFORE UPDATE ON customer"
            f" BEGIN SELECT RAISE(ABORT, '{SECRET}'); END;"
        )
    else:
        sql = (
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
            f" $$ BEGIN RAISE EXCEPTION '{SECRET}'; END $$;"
            " CREATE TRIGGER refuse BEFORE UPDATE ON customer"
            " FOR EACH ROW EXECUTE FUNCTION refuse();"
        )
    await get_connection("default").execute_script(sql)


async def test_unexpected_exception_is_masked_without_its_message(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    await refuse_updates_quoting_a_phone_number()
    response = await server.post(MUTATION, Role.CUSTOMER)
    body = response.json()
    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == ["Internal error."]
    # No exception details: the code says only that it was unexpected.
    assert set(body["errors"][0]) <= {"message", "locations", "path", "extensions"}
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL_ERROR"}
    assert "090-1234" not in response.text and "secret" not in response.text
    await assert_nothing_personal(response)
    assert "090-1234" not in caplog.text
    assert response.headers["x-request-id"] in caplog.text
    await assert_record_unchanged()


@pytest.mark.parametrize(
    "argument",
    [
        'customer(id: "9999999999") { id }',  # beyond a 32-bit integer column
        'customer(id: "99999999999999999999999") { id }',  # beyond any integer column
        'customer(id: "²") { id }',  # str.isdigit() says yes, int() says no
        f'customers(after: "{HUGE_CURSOR}") {{ nodes {{ id }} }}',  # well-formed, beyond range
    ],
    ids=["id-int32", "id-huge", "id-superscript", "cursor-huge"],
)
async def test_out_of_range_ids_are_client_errors_not_internal_ones(
    server: Server, argument: str
) -> None:
    response = await server.post("{ " + argument + " }", Role.SUPPORT)
    body = response.json()
    assert "Internal error." not in [e["message"] for e in body.get("errors", [])]
    assert set(error_codes(response)) <= {"BAD_INPUT"}
    data = body["data"] or {}
    assert data.get("customer") is None
    assert not (data.get("customers") or {}).get("nodes")


async def test_json_in_and_out(server: Server) -> None:
    """Answers are UTF-8 JSON (orjson: Japanese names unescaped, same data as the standard
    library would give); malformed JSON is still the client's error, not ours."""
    answer = await server.post(BILLING_E, Role.BILLING)
    assert answer.status_code == 200
    assert answer.json() == json.loads(answer.content.decode())
    names = [n["name"] for n in answer.json()["data"]["customers"]["nodes"]]
    assert any(not name.isascii() for name in names)
    assert names[0].encode() in answer.content  # not \\u-escaped
    for body in (b'{"query": ', b'{"query": NaN}', b"\xff\xfe"):
        refused = await server.client.post(
            "/graphql",
            content=body,
            headers={**server.auth(Role.BILLING), "Content-Type": "application/json"},
        )
        assert refused.status_code == 400, body


# --- the tamper-evident audit log ------------------------------------------------------------


async def test_the_audit_log_is_sequenced_in_the_background_and_its_checkpoint_served(
    settings: Settings,
) -> None:
    """The receipt's auditRef ends up in a signed checkpoint, served at /audit/checkpoint and
    kept in the data directory, without anyone asking; the verifier key is at /audit/key."""
    async with serving(replace(settings, audit_interval=0.05)) as server:
        response = await server.post(BILLING_E, Role.BILLING)
        ref = response.json()["extensions"]["privacy"]["auditRef"]
        for _ in range(200):
            leaf = await AuditLeaf.get_or_none(request__request_id=ref)
            if leaf is not None and await AuditCheckpoint.filter(tree_size__gt=leaf.seq).exists():
                break
            await asyncio.sleep(0.05)
        assert leaf is not None
        key = parse_verifier_key((await server.client.get("/audit/key")).text)
        served = await server.client.get("/audit/checkpoint")
        assert served.status_code == 200
        checkpoint = open_checkpoint(served.text, key)
        assert checkpoint.size > leaf.seq
        kept = open_checkpoint((settings.data_dir / "audit-checkpoint.txt").read_text(), key)
        assert kept.size <= checkpoint.size
    assert stat.S_IMODE((settings.data_dir / "audit-signing.key").stat().st_mode) == 0o600


async def test_the_demo_third_parties(server: Server) -> None:
    """Two providers under NDA (one expired), a carrier, a disclosure of each outcome, a past
    incident; the demo partner reads, through HTTP, only what its NDA in force names."""
    audit = """{ providers { name kind ndas { reference inForce categories } }
      disclosures { nodes { status refusalReason } }
      incidents { nodes { kind reportable affectedCount } } }"""
    seen = (await server.post(audit, Role.AUDITOR)).json()["data"]
    ndas = {n["reference"]: n for p in seen["providers"] for n in p["ndas"]}
    assert ndas["NDA-2026-001"]["inForce"] and not ndas["NDA-2025-014"]["inForce"]
    assert [p["kind"] for p in seen["providers"]].count("CARRIER") == 1
    statuses = sorted(d["status"] for d in seen["disclosures"]["nodes"])
    assert statuses == ["APPROVED", "REFUSED"]
    assert seen["incidents"]["nodes"] == [{"kind": "LOSS", "reportable": False, "affectedCount": 3}]
    query = (
        "query @purpose(code: B) { customers(first: 100) { nodes { name phone email address } } }"
    )
    nodes = (await server.post(query, Role.PARTNER)).json()["data"]["customers"]["nodes"]
    subscribers = await OptionSubscription.filter(option__code="SMS").values_list(
        "contract__customer_id", flat=True
    )
    assert 0 < len(nodes) <= len(set(subscribers))
    assert all(
        n["name"] and n["phone"] and n["email"] is None and n["address"] is None for n in nodes
    )
