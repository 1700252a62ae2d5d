"""Whatever the body, the answer is a JSON error with a code and a 4xx status: never a 500,
never a dropped connection, never a traceback. The table is what a fuzzer or a careless client
sends; each row must answer 400 with its code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from directives.vocabulary import Role
from edge.settings import Settings
from models import AuditRequest
from tests import test_server
from tests.test_server import Server

database_url = test_server.database_url
settings = test_server.settings
server = test_server.server

JSON = {"Content-Type": "application/json"}
TYPENAME = b'{"query": "{ __typename }"}'

MALFORMED: dict[str, tuple[bytes, dict[str, str], str]] = {
    "deeply nested JSON": (b"[" * 100_000 + b"]" * 100_000, JSON, "BAD_REQUEST"),
    "nested below the recursion limit": (
        b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 500 + b"]" * 500 + b"}}",
        JSON,
        "BAD_REQUEST",
    ),
    "invalid UTF-8": (
        b'{"query": "{ __typename }", "operationName": "\xff\xfe"}',
        JSON,
        "BAD_REQUEST",
    ),
    "lone surrogate in operationName": (
        b'{"query": "{ __typename }", "operationName": "\\ud800"}',
        JSON,
        "BAD_REQUEST",
    ),
    "lone surrogate in a variable": (
        b'{"query": "{ __typename }", "variables": {"x": "a\\udc00"}}',
        JSON,
        "BAD_REQUEST",
    ),
    "a JSON string": (b'"{ __typename }"', JSON, "BAD_REQUEST"),
    "null": (b"null", JSON, "BAD_REQUEST"),
    "a number": (b"42", JSON, "BAD_REQUEST"),
    "true": (b"true", JSON, "BAD_REQUEST"),
    "a batch": (b'[{"query": "{ __typename }"}]', JSON, "BAD_REQUEST"),
    "10,000-digit integer": (
        b'{"query": "{ __typename }", "variables": {"n": ' + b"9" * 10_000 + b"}}",
        JSON,
        "BAD_REQUEST",
    ),
    "NaN": (b'{"query": "{ __typename }", "variables": {"n": NaN}}', JSON, "BAD_REQUEST"),
    "not JSON": (b"{query: 1", JSON, "BAD_REQUEST"),
    "empty": (b"", JSON, "BAD_REQUEST"),
    "query is a number": (b'{"query": 1}', JSON, "BAD_REQUEST"),
    "variables is a list": (b'{"query": "{ __typename }", "variables": []}', JSON, "BAD_REQUEST"),
    "operationName is an object": (
        b'{"query": "{ __typename }", "operationName": {}}',
        JSON,
        "BAD_REQUEST",
    ),
    "no query": (b'{"variables": {}}', JSON, "BAD_REQUEST"),
    "form-encoded": (
        b"query=%7B__typename%7D",
        {"Content-Type": "application/x-www-form-urlencoded"},
        "BAD_REQUEST",
    ),
    "no content type": (TYPENAME, {}, "BAD_REQUEST"),
    "Content-Length not a number": (TYPENAME, {**JSON, "Content-Length": "x"}, "BAD_REQUEST"),
    "2 MB (over 1 MiB)": (
        b'{"query": "{ __typename }", "variables": {"x": "' + b"a" * 2_000_000 + b'"}}',
        JSON,
        "BODY_TOO_LARGE",
    ),
}


async def test_malformed_bodies_answer_400_or_413_with_a_code(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    for name, (body, headers, code) in MALFORMED.items():
        for role in (None, Role.SUPPORT):
            response = await server.client.post(
                "/graphql", content=body, headers={**headers, **server.auth(role)}
            )
            status = 413 if code == "BODY_TOO_LARGE" else 400  # RFC 9110 Content Too Large
            assert response.status_code == status, (name, response.text[:200])
            assert response.headers["content-type"].startswith("application/json"), name
            assert [e["extensions"]["code"] for e in response.json()["errors"]] == [code], name
        # The connection is still good for the next request.
        after = await server.client.post("/graphql", content=TYPENAME, headers=JSON)
        assert after.json() == {"data": {"__typename": "Query"}}, name
    assert "Traceback" not in caplog.text
    assert await AuditRequest.all().count() == 0


async def _chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    yield b'{"query": "{ __typename }", "variables": {"x": "'
    sent = 0
    while sent < total:
        yield b"a" * size
        sent += size
    yield b'"}}'


async def test_a_streamed_body_is_cut_off_at_the_limit_while_reading(server: Server) -> None:
    """No Content-Length (chunked): counted as it arrives, refused at the limit."""
    response = await server.client.post("/graphql", content=_chunks(50 * 1024 * 1024), headers=JSON)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"


def test_the_table_covers_the_issue() -> None:
    names = set(MALFORMED)
    assert {"deeply nested JSON", "invalid UTF-8", "lone surrogate in operationName",
            "a JSON string", "null", "a number", "10,000-digit integer"} <= names  # fmt: skip


async def test_the_body_limit_is_a_setting(settings: Settings) -> None:
    small = replace(settings, max_body_bytes=2048)
    async with test_server.serving(small) as running:
        fits = await running.client.post("/graphql", content=TYPENAME, headers=JSON)
        assert fits.status_code == 200
        big = b'{"query": "{ __typename }", "variables": {"x": "' + b"a" * 3000 + b'"}}'
        over = await running.client.post("/graphql", content=big, headers=JSON)
        assert over.status_code == 413
        assert over.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"
