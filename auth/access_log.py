"""The web access log (P6.1): host name, address, browser, OS, time, method, path, status and
duration of every HTTP request — and nothing else: no query string, variables, body, token or
cookie. Reverse lookups of host names are off unless configured."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise.backends.base.client import BaseDBAsyncClient
from ua_parser import parse

from models import AccessLogEntry
from models.group_commit import GroupCommit, PgPart, pg_array
from models.sqlite_thread import SqliteWork

log = logging.getLogger("crm.access")
OTHER_PATH = "(other)"  # paths we do not serve are not recorded verbatim: they could hold anything


# Only well-known names are kept: for some User-Agent shapes the parser's "family" is the
# client's own text, which could be anything (an e-mail address, markup).
KNOWN_BROWSERS = frozenset(
    {
        "Chrome", "Chrome Mobile", "Chrome Mobile iOS", "Chrome Mobile WebView", "Chromium",
        "Firefox", "Firefox Mobile", "Firefox iOS", "Safari", "Mobile Safari",
        "Mobile Safari UI/WKWebView", "Edge", "Edge Mobile", "Opera", "Opera Mobile",
        "Samsung Internet", "IE", "IE Mobile", "Yandex Browser", "UC Browser", "Vivaldi",
        "Brave", "curl", "Wget", "Python Requests", "Go-http-client", "okhttp",
    }
)  # fmt: skip
KNOWN_SYSTEMS = frozenset(
    {
        "Windows", "Mac OS X", "iOS", "iPadOS", "Android", "Linux", "Ubuntu", "Fedora",
        "Chrome OS", "FreeBSD", "OpenBSD", "Windows Phone", "HarmonyOS",
    }
)  # fmt: skip


@lru_cache(maxsize=2048)
def browser_and_os(user_agent: str) -> tuple[str, str]:
    result = parse(user_agent[:512])
    browser = result.user_agent.family if result.user_agent else None
    system = result.os.family if result.os else None
    return (
        browser if browser in KNOWN_BROWSERS else "Other",
        system if system in KNOWN_SYSTEMS else "Other",
    )


@dataclass(frozen=True, slots=True)
class AccessRow:
    """One AccessLogEntry's values: inserted by one prepared statement, without building a
    model instance and its query per request."""

    at: datetime
    host_name: str | None
    client_address: str | None
    browser: str
    os: str
    method: str
    path: str
    status: int
    duration_ms: float


# The model stays the source of truth for the table and its columns.
_COLUMNS = tuple(f.name for f in dataclasses.fields(AccessRow))
assert set(_COLUMNS) == set(AccessLogEntry._meta.db_fields) - {"id"}, "access_log columns"
_FIELDS = tuple(AccessLogEntry._meta.fields_map[name] for name in _COLUMNS)


@cache
def insert_sql(dialect: str) -> str:
    count = len(_COLUMNS)
    marks = ["?"] * count if dialect == "sqlite" else [f"${n}" for n in range(1, count + 1)]
    names = ", ".join(f'"{c}"' for c in _COLUMNS)
    table = AccessLogEntry._meta.db_table
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join(marks)})'  # noqa: S608 - model names


async def insert_row(conn: BaseDBAsyncClient, row: AccessRow) -> None:
    await conn.execute_query(insert_sql(conn.capabilities.dialect), _values(row))


class PgRows:
    """Access-log rows in a group's one PostgreSQL statement (models.group_commit.PgWrite):
    one INSERT over `unnest` of one array per column."""

    def part(self, items: Sequence[AccessRow], name: str, first: int) -> PgPart:
        columns: list[list[object]] = [[] for _ in _FIELDS]
        for row in items:
            for column, value in zip(columns, _values(row), strict=True):
                column.append(value)
        arrays = ", ".join(f"${first + n}::{pg_array(f)}" for n, f in enumerate(_FIELDS))
        names = ", ".join(f'"{c}"' for c in _COLUMNS)
        table = AccessLogEntry._meta.db_table
        insert = f'INSERT INTO "{table}" ({names}) SELECT * FROM unnest({arrays})'  # noqa: S608 - model names
        return PgPart(f"{name} AS ({insert})", [*columns])

    def refusal(self, item: AccessRow, written: frozenset[str]) -> Exception | None:
        return None  # never declined: the statement writes every row or fails


def sqlite_insert_row(row: AccessRow) -> SqliteWork[None]:
    """`insert_row` as a statement for SQLite's thread (a group commit's member)."""
    values = _values(row)
    return lambda raw: raw.execute(insert_sql("sqlite"), values).close()


def _values(row: AccessRow) -> list[object]:
    """Validated and converted as the model's save would (lengths, time zone)."""
    values = []
    for field in _FIELDS:
        value = getattr(row, field.model_field_name)
        field.validate(value)
        values.append(field.to_db_value(value, AccessLogEntry))
    return values


class AccessLogMiddleware:
    """Records each request after its answer is sent. Its row commits with other requests'
    access-log and audit rows (models.group_commit, lazy: it waits up to LINGER for an audit
    write to share a commit): one fsync for many rows, none before any answer, and each row
    durable before this request's handling ends."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        paths: frozenset[str],
        reverse_dns: bool = False,
        unlogged: frozenset[str] = frozenset({"/healthz", "/readyz", "/metrics"}),
    ) -> None:
        self.app, self.paths, self.reverse_dns = app, paths, reverse_dns
        self.unlogged = unlogged  # probes: a row every few seconds would drown the log
        self.rows: GroupCommit[AccessRow] = GroupCommit(
            insert_row, sqlite=sqlite_insert_row, postgres=PgRows(), rows=lambda _: 1
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in self.unlogged:
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            await self._record(scope, status, (time.perf_counter() - started) * 1000)

    async def _record(self, scope: Scope, status: int, duration_ms: float) -> None:
        headers = dict(scope.get("headers") or [])
        user_agent = headers.get(b"user-agent", b"").decode("latin-1")
        browser, system = browser_and_os(user_agent) if user_agent else ("-", "-")
        address = scope["client"][0] if scope.get("client") else None
        path = scope.get("path", "")
        try:
            row = AccessRow(
                at=datetime.now(UTC),
                host_name=await self._host_name(address),
                client_address=address,
                browser=browser,
                os=system,
                method=scope.get("method", "-")[:8],
                path=path if path in self.paths else OTHER_PATH,
                status=status,
                duration_ms=round(duration_ms, 2),
            )
            await self.rows.submit(row, lazy=True)  # rides with the next audit commit
        except Exception as exc:  # the log must never break or leak through a response
            log.error("access log write failed: %s", type(exc).__name__)

    async def _host_name(self, address: str | None) -> str | None:
        if not self.reverse_dns or not address:
            return None
        loop = asyncio.get_running_loop()
        try:
            host, _ = await asyncio.wait_for(
                loop.getnameinfo((address, 0), socket.NI_NAMEREQD), 1.0
            )
        except (OSError, TimeoutError):
            return None
        return str(host)[:255]
