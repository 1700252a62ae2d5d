"""The database connection settings (models/db.py).

PostgreSQL's pool hands connections back without asyncpg's reset query (`keep_session`): what
one request leaves in the session would reach the next. So no code on pooled connections may
leave session state; this test reads every module of the product for the statements that do.
"""

from __future__ import annotations

import re
from pathlib import Path

from models.db import connection_config, keep_session

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("auth", "directives", "edge", "models", "notify", "resolvers", "rights", "schema",
            "tlog", "demo")  # fmt: skip
# Statements whose effect outlives the transaction: a session variable (SET without LOCAL,
# set_config(..., false)), a session advisory lock, a LISTEN, a cursor held past its commit.
SESSION_STATE = re.compile(
    r"""(?ix)
    \bSET\s+(?!LOCAL\b)(?:SESSION\s+)?[a-z_.]+\s*(?:=|\bTO\b)   # SET name = / SET name TO
    | \bset_config\s*\(
    | \bpg_(?:try_)?advisory_lock(?:_shared)?\s*\(              # not the _xact_ kind
    | (?-i:\bLISTEN\s+"?\w+"?\s*(?:;|'|"|$))              # LISTEN channel, in SQL capitals
    | \bWITH\s+HOLD\b
    """
)
# Each with the reason it is not on a pooled connection.
OWN_CONNECTION = {
    "models/startup_lock.py": "its own asyncpg connection, closed after the migrations",
}


def _leaves_session_state(line: str) -> bool:
    """A statement of SESSION_STATE's kinds (an UPDATE's SET clause is not one)."""
    return bool(SESSION_STATE.search(line)) and "UPDATE" not in line.upper()


def _sources() -> list[Path]:
    files = [ROOT / "server.py"]
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def test_postgres_pool_returns_connections_without_a_reset_round_trip() -> None:
    config = connection_config("postgres://user@db.example:5432/crm")
    assert isinstance(config, dict)
    assert config["engine"] == "tortoise.backends.asyncpg"
    assert config["credentials"]["reset"] is keep_session
    assert config["credentials"]["database"] == "crm"


def test_no_code_leaves_session_state_on_a_pooled_connection() -> None:
    found = []
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        if relative in OWN_CONNECTION:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _leaves_session_state(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == [], "session state on a pooled connection (keep_session):\n" + "\n".join(found)


def test_the_pattern_finds_each_kind_of_session_state() -> None:
    for statement in (
        "SET statement_timeout = 0",
        "SET search_path TO crm",
        "SET SESSION work_mem = '64MB'",
        "SELECT set_config('app.actor', $1, false)",
        "SELECT pg_advisory_lock($1)",
        "SELECT pg_try_advisory_lock($1)",
        "LISTEN audit",
        "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
    ):
        assert _leaves_session_state(statement), statement
    for statement in (
        "SET LOCAL statement_timeout = 0",
        "SELECT pg_advisory_xact_lock($1)",
        'UPDATE "api_token" SET "last_used_at"=$1 WHERE "id"=$2',
    ):
        assert not _leaves_session_state(statement), statement
    assert set(OWN_CONNECTION) <= {p.relative_to(ROOT).as_posix() for p in _sources()}
