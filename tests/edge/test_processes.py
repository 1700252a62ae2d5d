"""The server as an operator runs it: real processes on real ports (8401-8419), an empty
database, several workers, the command line and its help, the first administrator."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from demo.rights import FORMER_CUSTOMERS
from edge.environment import Environment, env_name
from tests.conftest import PG_URL, _admin, _with_database

ROOT = Path(__file__).resolve().parents[2]
PORTS = range(8120, 8150)
AUDIT_DIR = ROOT / "scripts" / "http_audit"


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
    env.pop("DATABASE_URL", None)
    return {**env, "CRM_LOG_FORMAT": "json", **extra}


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own entry point
        [sys.executable, "server.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


class Running:
    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.output = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "server.py", *args, "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            # Ours, not another test run's server that took the port first.
            bound = f"127.0.0.1:{self.port}" in self.log.read_text()
            try:
                if bound and httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"not ready in time:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        finally:
            self.output.close()


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty SQLite file's URL, or (with CRM_TEST_DATABASE_URL) an empty PostgreSQL db."""
    if PG_URL is None:
        yield f"sqlite://{tmp_path / 'db' / 'crm.sqlite3'}"
        return
    import asyncio

    name = f"crm_workers_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(PG_URL, f'CREATE DATABASE "{name}"'))
    try:
        yield _with_database(PG_URL, name)
    finally:
        asyncio.run(_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _log_lines(path: Path) -> list[dict[str, object]]:
    lines = []
    for raw in path.read_text().splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            lines.append({"message": raw, "level": "RAW"})
    return lines


def test_two_workers_start_together_on_an_empty_database(
    tmp_path: Path, empty_database_url: str
) -> None:
    """Both migrate under the startup lock: one applies, the other finds nothing to do."""
    (tmp_path / "db").mkdir()
    env = environment(DATABASE_URL=empty_database_url)
    server = Running(
        [
            "serve",
            "--workers",
            "2",
            "--demo",
            "--demo-customers",
            "20",
            "--data-dir",
            str(tmp_path),
        ],
        env,
        tmp_path / "server.log",
    )
    try:
        server.wait_ready()
        deadline = time.monotonic() + 120
        lines = _log_lines(server.log)
        while sum(line["message"] == "Application startup complete." for line in lines) < 2:
            assert time.monotonic() < deadline, lines
            time.sleep(0.5)
            lines = _log_lines(server.log)
        assert not [line for line in lines if line.get("level") in ("ERROR", "CRITICAL")], lines
        assert not [line for line in lines if "died" in str(line["message"])], lines
        # Each worker answers and the demo data exists once.
        credentials = json.loads((tmp_path / "demo-credentials.json").read_text())
        token = credentials["SUPPORT"]["token"]
        query = {"query": "query @purpose(code: A) { customers { totalCount } }"}
        with httpx.Client(base_url=server.url) as client:
            for _ in range(6):
                response = client.post(
                    "/graphql", json=query, headers={"Authorization": f"Bearer {token}"}
                )
                # the 20 asked for, and the demo's former customers (demo.rights)
                total = 20 + FORMER_CUSTOMERS
                assert response.json() == {"data": {"customers": {"totalCount": total}}}
            # Both workers' counts add up (prometheus-client's multi-process mode). A request
            # is counted once its answer has gone out: the last may lag the client a moment.
            counted = 0.0
            deadline = time.monotonic() + 10
            while counted < 6 and time.monotonic() < deadline:
                metrics = client.get("/metrics").text
                # No line at all until a worker has counted its first request.
                counted = sum(
                    float(line.rsplit(" ", 1)[1])
                    for line in metrics.splitlines()
                    if line.startswith('crm_http_requests_total{method="POST",path="/graphql"')
                )
                time.sleep(0.2)
            assert counted == 6
        # Personal reads from both workers at once: each worker's audit commits contend for
        # the one SQLite file (a small commit on a worker's event loop never waits there for
        # the other's lock: models/sqlite_thread.py). Every answer is audited, none is lost.
        refs = _concurrent_personal_reads(server.url, token, requests=48, clients=8)
        assert len(refs) == 48
        assert refs <= _audit_request_ids(empty_database_url)
    finally:
        server.stop()


def _concurrent_personal_reads(url: str, token: str, *, requests: int, clients: int) -> set[str]:
    """The audit references of `requests` answers with personal values, `clients` at once."""
    query = {"query": "query @purpose(code: A) { customers(first: 5) { nodes { name phone } } }"}

    def one(_: int) -> str:
        with httpx.Client(base_url=url, timeout=30) as client:
            response = client.post(
                "/graphql", json=query, headers={"Authorization": f"Bearer {token}"}
            )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        assert len(body["data"]["customers"]["nodes"]) == 5
        return str(body["extensions"]["privacy"]["auditRef"])

    with ThreadPoolExecutor(clients) as pool:
        return set(pool.map(one, range(requests)))


def _audit_request_ids(url: str) -> set[str]:
    if url.startswith("sqlite://"):
        db = sqlite3.connect(url.removeprefix("sqlite://"))
        try:
            return {row[0] for row in db.execute("SELECT request_id FROM audit_request")}
        finally:
            db.close()
    import asyncio

    import asyncpg

    async def read() -> set[str]:
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:
            return {r[0] for r in await conn.fetch("SELECT request_id FROM audit_request")}
        finally:
            await conn.close()

    return asyncio.run(read())


@pytest.mark.sqlite_only
@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_todays_command_line_and_the_real_http_server(tmp_path: Path) -> None:
    """`python server.py --demo --data-dir D --port P` as in the README; then what only a real
    server shows: no Server header, keep-alive after a refused body, and the graphql-http
    audit (MUST 13/13, SHOULD 23/23)."""
    server = Running(
        ["--demo", "--demo-customers", "20", "--data-dir", str(tmp_path)],
        environment(),
        tmp_path / "server.log",
    )
    try:
        server.wait_ready()
        with httpx.Client(base_url=server.url) as client:
            spoof = {"X-Forwarded-For": "203.0.113.66", "X-Real-IP": "203.0.113.66"}
            ok = client.post("/graphql", json={"query": "{ __typename }"}, headers=spoof)
            assert "server" not in ok.headers
            for body, status in (
                (b"null", 400),
                (b"[" * 50_000, 400),
                (b'{"query": "{ __typename }"' + b" " * 3_000_000 + b"}", 413),
            ):
                refused = client.post(
                    "/graphql", content=body, headers={"content-type": "application/json"}
                )
                assert refused.status_code == status
                again = client.post("/graphql", json={"query": "{ __typename }"})
                assert again.json() == {"data": {"__typename": "Query"}}
        auditor = json.loads((tmp_path / "demo-credentials.json").read_text())["AUDITOR"]["token"]
        if not (AUDIT_DIR / "node_modules" / "graphql-http").is_dir():
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund"],  # noqa: S607
                cwd=AUDIT_DIR,
                check=True,
                capture_output=True,
                timeout=300,
            )
        audit = subprocess.run(  # noqa: S603
            ["node", "audit.mjs", f"{server.url}/graphql"],  # noqa: S607
            cwd=AUDIT_DIR,
            env={**os.environ, "CRM_TOKEN": auditor},
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        summary = json.loads(audit.stdout.strip().splitlines()[-1])["summary"]
        assert summary["MUST"] == [13, 13], audit.stdout
        assert summary["SHOULD"] == [23, 23], audit.stdout
    finally:
        server.stop()
    assert "Traceback" not in (tmp_path / "server.log").read_text()
    # uvicorn did not believe the local client's X-Forwarded-For either (no trusted proxy).
    with sqlite3.connect(tmp_path / "crm.sqlite3") as database:
        addresses = {row[0] for row in database.execute("SELECT client_address FROM access_log")}
    assert addresses == {"127.0.0.1"}


@pytest.mark.sqlite_only
def test_help_lists_every_command_option_and_variable() -> None:
    overview = run("--help", env=environment())
    assert overview.returncode == 0
    for command in ("serve", "migrate", "demo", "create-admin", "verify-audit", "purge"):
        assert command in overview.stdout
    for field in Environment.model_fields:
        assert env_name(field) in overview.stdout
    options = ("--host", "--port", "--data-dir", "--demo-customers", "--workers", "--login")
    for option in (*options, "--verifier-key", "--dry-run", "--on"):
        assert option in overview.stdout  # every command's options, in the overview too
    serve = run("serve", "--help", env=environment()).stdout
    for option in ("--host", "--port", "--data-dir", "--demo", "--demo-customers", "--workers"):
        assert option in serve
    assert "--login" in run("create-admin", "--help", env=environment()).stdout


@pytest.mark.sqlite_only
@pytest.mark.parametrize("value", ["abc", "0", "-5", "100000000"])
def test_wrong_settings_are_refused_with_a_clear_message(value: str, tmp_path: Path) -> None:
    result = run(
        "migrate",
        "--data-dir",
        str(tmp_path),
        env=environment(CRM_SESSION_IDLE_MINUTES=value),
    )
    assert result.returncode == 2
    assert "CRM_SESSION_IDLE_MINUTES" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CRM_RESEARCH_EPSILON_BUDGET", "nan"),
        ("CRM_RESEARCH_EPSILON_BUDGET", "0"),
        ("CRM_AUDIT_SEQUENCE_SECONDS", "-1"),
        ("CRM_PRIVACY_EMAIL", "not an address"),
        ("CRM_PRIVACY_PHONE", "call me"),
        ("CRM_SMTP_PORT", "abc"),
        ("CRM_ENV", "prod"),
    ],
)
@pytest.mark.sqlite_only
def test_every_setting_of_main_is_checked_the_same_way(
    name: str, value: str, tmp_path: Path
) -> None:
    result = run("migrate", "--data-dir", str(tmp_path), env=environment(**{name: value}))
    assert result.returncode == 2, result.stderr
    assert name in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.sqlite_only
def test_production_refuses_to_serve_without_an_audit_signing_key(tmp_path: Path) -> None:
    env = environment(CRM_ENV="production", CRM_SECRET_KEY="a real deployment secret " * 2)
    result = run("serve", "--data-dir", str(tmp_path), "--port", "1", env=env)
    assert result.returncode == 2
    assert "CRM_AUDIT_SIGNING_KEY" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.sqlite_only
def test_secrets_are_never_echoed_in_setting_errors(tmp_path: Path) -> None:
    result = run(
        "migrate", "--data-dir", str(tmp_path), env=environment(CRM_SECRET_KEY="short-secret")
    )
    assert result.returncode == 2 and "CRM_SECRET_KEY" in result.stderr
    assert "short-secret" not in result.stderr


@pytest.mark.sqlite_only
def test_create_admin_prints_a_one_time_code_once(tmp_path: Path) -> None:
    env = environment()
    first = run("create-admin", "--login", "first-admin", "--data-dir", str(tmp_path), env=env)
    assert first.returncode == 0, first.stderr
    [line] = [line for line in first.stdout.splitlines() if "enrolment code" in line]
    code = line.rsplit(": ", 1)[1]
    assert len(code) >= 16
    again = run("create-admin", "--login", "first-admin", "--data-dir", str(tmp_path), env=env)
    assert again.returncode == 1 and code not in again.stdout + again.stderr
    assert "taken" in again.stderr
    # The code opens the account once, straight into a password change.
    server = Running(["serve", "--data-dir", str(tmp_path)], env, tmp_path / "server.log")
    try:
        server.wait_ready()
        login = "mutation($l: String!, $p: String!) { login(login: $l, password: $p) { stage } }"
        response = httpx.post(
            f"{server.url}/graphql",
            json={"query": login, "variables": {"l": "first-admin", "p": code}},
        )
        assert response.json() == {"data": {"login": {"stage": "PASSWORD_CHANGE"}}}
    finally:
        server.stop()
    assert code not in (tmp_path / "server.log").read_text()


@pytest.mark.sqlite_only
def test_migrate_applies_then_reports_nothing_pending(tmp_path: Path) -> None:
    env = environment()
    check = run("migrate", "--check", "--data-dir", str(tmp_path), env=env)
    assert check.returncode == 1 and "pending" in check.stdout
    assert run("migrate", "--data-dir", str(tmp_path), env=env).returncode == 0
    again = run("migrate", "--check", "--data-dir", str(tmp_path), env=env)
    assert again.returncode == 0 and again.stdout == ""


@pytest.mark.sqlite_only
def test_demo_seeds_an_empty_database_and_exits(tmp_path: Path) -> None:
    env = environment()
    result = run("demo", "--demo-customers", "10", "--data-dir", str(tmp_path), env=env)
    assert result.returncode == 0, result.stderr
    credentials = json.loads((tmp_path / "demo-credentials.json").read_text())
    assert "ADMIN" in credentials
    assert run("migrate", "--check", "--data-dir", str(tmp_path), env=env).returncode == 0
    refused = run(
        "demo", "--data-dir", str(tmp_path), env={**env, "CRM_ENV": "production",
        "CRM_SECRET_KEY": "x" * 40}
    )  # fmt: skip
    assert refused.returncode == 2 and "demo" in refused.stderr
