"""The HTTP edge in-process, with the app's lifespan: headers on every answer, the probes,
client addresses through trusted proxies only, the rate limit, metrics closed to the public,
GraphQL over HTTP media types, and access-log retention."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from ipaddress import ip_network
from pathlib import Path

import httpx
import pytest
from tortoise.connection import get_connection

from directives.vocabulary import Role
from edge.retention import prune_access_log
from edge.settings import Settings
from models import AccessLogEntry, AuditRequest
from tests import test_server
from tests.conftest import PG_URL, _admin
from tests.test_server import Server, serving

database_url = test_server.database_url
settings = test_server.settings
server = test_server.server

JSON = {"Content-Type": "application/json"}
GRAPHQL_RESPONSE = "application/graphql-response+json"


def client_at(app: object, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 50000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://crm.test")


# --- headers -----------------------------------------------------------------------------------


async def test_every_answer_carries_the_security_headers(server: Server) -> None:
    answers = [
        await server.post("{ __typename }"),
        await server.post("{ me { login } }", Role.SUPPORT),
        await server.client.post("/graphql", content=b"null", headers=JSON),
        await server.client.get("/healthz"),
        await server.client.get("/readyz"),
        await server.client.get("/nowhere"),
        await server.client.get("/schema.graphql"),
        await server.client.get(
            "/graphql", headers={"Accept": "text/html", **server.auth(Role.AUDITOR)}
        ),
    ]
    for response in answers:
        headers = response.headers
        assert headers["cache-control"] == "no-store", response.url
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "server" not in headers
        assert headers["x-request-id"]
    html = answers[-1]
    assert html.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in html.headers["content-security-policy"]
    assert html.headers["x-frame-options"] == "DENY"


async def test_the_request_id_is_the_audit_reference(server: Server) -> None:
    response = await server.post(
        "query @purpose(code: E) { customers(first: 2) { nodes { name } } }", Role.BILLING
    )
    ref = response.json()["extensions"]["privacy"]["auditRef"]
    assert response.headers["x-request-id"] == ref
    assert await AuditRequest.filter(request_id=ref).exists()


# --- probes ------------------------------------------------------------------------------------


async def test_probes_answer_and_are_not_logged(server: Server) -> None:
    alive = await server.client.get("/healthz")
    ready = await server.client.get("/readyz")
    assert alive.status_code == 200 and alive.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": True, "migrations": True, "audit": True}
    assert await AccessLogEntry.all().count() == 0
    await server.post("{ __typename }")
    assert await AccessLogEntry.all().count() == 1


class BrokenAudit:
    async def write(self, *_: object) -> None:
        raise OSError("disk full")

    async def probe(self) -> None:
        raise OSError("disk full")


async def test_readyz_is_503_when_the_audit_cannot_be_written(settings: Settings) -> None:
    async with serving(replace(settings, audit_store=BrokenAudit())) as running:
        ready = await running.client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["audit"] is False and ready.json()["database"] is True
        assert (await running.client.get("/healthz")).status_code == 200


async def test_readyz_is_503_when_a_migration_is_missing(server: Server) -> None:
    await get_connection("default").execute_query(
        "DELETE FROM tortoise_migrations WHERE name = (SELECT MAX(name) FROM tortoise_migrations)"
    )
    ready = await server.client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["migrations"] is False


def _replace_with_a_directory(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    path.mkdir()


async def test_readyz_is_503_and_healthz_200_when_the_database_is_gone(
    server: Server, settings: Settings
) -> None:
    url = settings.database_url
    if PG_URL is None:
        # The file vanishes and its path cannot be opened again (a directory stands there).
        await get_connection("default").close()
        _replace_with_a_directory(Path(url.removeprefix("sqlite://")))
    else:
        name = url.rsplit("/", 1)[1]
        await _admin(PG_URL, f'DROP DATABASE "{name}" WITH (FORCE)')
    ready = await server.client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["database"] is False
    assert (await server.client.get("/healthz")).status_code == 200  # alive, not ready


# --- client address and proxies ----------------------------------------------------------------


async def _logged_addresses() -> list[str | None]:
    return [row.client_address for row in await AccessLogEntry.all().order_by("id")]


async def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    settings: Settings,
) -> None:
    spoof = {"X-Forwarded-For": "203.0.113.9", **JSON}
    async with serving(settings) as running:  # no trusted proxies: the default
        app = running.client._transport.app  # type: ignore[attr-defined]
        async with client_at(app, "127.0.0.1") as local:
            await local.post("/graphql", json={"query": "{ __typename }"}, headers=spoof)
        assert await _logged_addresses() == ["127.0.0.1"]


async def test_a_trusted_proxy_names_the_client(settings: Settings) -> None:
    proxied = replace(settings, trusted_proxies=(ip_network("10.0.0.0/8"),))
    async with serving(proxied) as running:
        app = running.client._transport.app  # type: ignore[attr-defined]
        body = {"query": "{ __typename }"}
        async with client_at(app, "10.1.2.3") as proxy:
            # The client's own claim (left) is not believed; the proxy's entry is.
            chain = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9"}
            await proxy.post("/graphql", json=body, headers=chain)
            # Through two proxies: the right-most untrusted address.
            chain = {"X-Forwarded-For": "203.0.113.10, 10.9.9.9"}
            await proxy.post("/graphql", json=body, headers=chain)
            # Garbage: the proxy itself is the last address anyone vouched for.
            await proxy.post("/graphql", json=body, headers={"X-Forwarded-For": "nonsense"})
        async with client_at(app, "192.0.2.50") as stranger:  # not a proxy: ignored
            await stranger.post("/graphql", json=body, headers={"X-Forwarded-For": "10.0.0.1"})
        assert await _logged_addresses() == [
            "203.0.113.9",
            "203.0.113.10",
            "10.1.2.3",
            "192.0.2.50",
        ]


# --- rate limit --------------------------------------------------------------------------------


async def test_each_address_has_its_own_request_budget(settings: Settings) -> None:
    limited = replace(settings, rate_limit_per_minute=5)
    async with serving(limited) as running:
        app = running.client._transport.app  # type: ignore[attr-defined]
        async with client_at(app, "192.0.2.1") as one, client_at(app, "192.0.2.2") as other:
            statuses = [
                (await one.post("/graphql", json={"query": "{ __typename }"})).status_code
                for _ in range(7)
            ]
            assert statuses == [200] * 5 + [429] * 2
            refused = await one.post("/graphql", json={"query": "{ __typename }"})
            assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
            assert int(refused.headers["retry-after"]) >= 1
            assert (
                await other.post("/graphql", json={"query": "{ __typename }"})
            ).status_code == 200
            assert (await one.get("/healthz")).status_code == 200  # probes are not limited


# --- metrics -----------------------------------------------------------------------------------


async def test_metrics_are_for_the_allowed_peers_only(settings: Settings) -> None:
    async with serving(settings) as running:
        app = running.client._transport.app  # type: ignore[attr-defined]
        await running.post(
            "query @purpose(code: E) { customers(first: 3) { nodes { name birthDate } } }",
            Role.BILLING,
        )
        async with client_at(app, "127.0.0.1") as local:
            metrics = await local.get("/metrics")
        assert metrics.status_code == 200
        text = metrics.text
        assert 'crm_http_requests_total{method="POST",path="/graphql",status="200"}' in text
        assert "crm_http_request_duration_seconds_bucket" in text
        assert "crm_audit_writes_total" in text and "crm_audit_write_failures_total" in text
        assert 'crm_personal_field_decisions_total{decision="CLEAR"}' in text
        assert 'crm_personal_field_decisions_total{decision="DENIED"}' in text
        async with client_at(app, "203.0.113.5") as outsider:
            assert (await outsider.get("/metrics")).status_code == 404
            spoofed = await outsider.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
            assert spoofed.status_code == 404


# --- GraphQL over HTTP -------------------------------------------------------------------------


async def test_graphql_response_json_says_with_the_status_that_nothing_ran(server: Server) -> None:
    cases = {
        ("{", Role.SUPPORT): (400, "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", Role.SUPPORT): (400, "GRAPHQL_VALIDATION_FAILED"),
        ("{ customers { nodes { name } } }", None): (401, "UNAUTHENTICATED"),
        ("{ nope }", None): (401, "UNAUTHENTICATED"),  # before login the schema stays closed
    }
    for (query, role), (status, code) in cases.items():
        accept = {"Accept": GRAPHQL_RESPONSE, **server.auth(role)}
        response = await server.client.post("/graphql", json={"query": query}, headers=accept)
        assert response.status_code == status, query
        assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
        body = response.json()
        assert "data" not in body
        assert [e["extensions"]["code"] for e in body["errors"]] == [code]
        legacy = await server.client.post(
            "/graphql", json={"query": query}, headers=server.auth(role)
        )
        assert legacy.status_code == 200 and legacy.json()["data"] is None
        assert legacy.headers["content-type"].startswith("application/json")
    accept = {"Accept": GRAPHQL_RESPONSE}
    fine = await server.client.post("/graphql", json={"query": "{ __typename }"}, headers=accept)
    assert fine.status_code == 200 and fine.json() == {"data": {"__typename": "Query"}}
    refused = await server.client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Accept": "text/csv"}
    )
    assert refused.status_code == 406
    assert refused.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


# --- retention ---------------------------------------------------------------------------------


async def test_access_log_entries_past_retention_are_pruned(server: Server) -> None:
    now = datetime.now(UTC)
    for age in (1, 179, 181, 400):
        await AccessLogEntry.create(
            at=now - timedelta(days=age),
            browser="-",
            os="-",
            method="GET",
            path="/graphql",
            status=200,
            duration_ms=1.0,
        )
    assert await prune_access_log(timedelta(days=180), now) == 2
    left = sorted((now - row.at).days for row in await AccessLogEntry.all())
    assert left == [1, 179]


@pytest.mark.parametrize("days", [30, 365])
def test_retention_is_a_setting(
    days: int, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("CRM_ACCESS_LOG_RETENTION_DAYS", str(days))
    assert Settings.from_env(data_dir=str(tmp_path)).access_log_retention == timedelta(days=days)
