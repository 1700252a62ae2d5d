"""Plain lists count their rows in scope when asked (`totalCount`), and the auditors' event
lists page newest first when asked, with the same cursors' meaning (after = older)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AccessLogEntry, SecurityEvent
from tests.business_world import Business
from tests.conftest import World, run


@pytest.mark.parametrize(
    ("role", "query", "expected"),
    [
        (Role.AGENT, "query @purpose(code: A) { customers(first: 1) { totalCount } }", 3),
        (Role.SUPPORT, "query @purpose(code: A) { customers(first: 1) { totalCount } }", 5),
        (Role.CUSTOMER, "{ customers { totalCount } }", 1),
        # agent1's three customers' contracts, and customer 1's second (the partner's option)
        (Role.AGENT, "query @purpose(code: A) { contracts(first: 1) { totalCount } }", 4),
        (Role.BILLING, "query @purpose(code: E) { agents(first: 1) { totalCount } }", 2),
        (Role.AGENT, "query @purpose(code: E) { marginStatements { totalCount } }", 1),
        (Role.BILLING, "query @purpose(code: E) { marginStatements { totalCount } }", 2),
    ],
)
async def test_total_count_is_the_scope(
    schema: PrivacySchema,
    world: World,
    business: Business,
    role: Role,
    query: str,
    expected: int,
) -> None:
    result, _ = await run(schema, query, world.caller(role))
    assert result.errors is None, result.errors
    (page,) = result.data.values()  # type: ignore[union-attr]
    assert page["totalCount"] == expected


async def _pages(schema: PrivacySchema, world: World, root: str, fields: str) -> list[Any]:
    seen: list[Any] = []
    after = None
    while True:
        query = f"""query Q($after: String) @purpose(code: D) {{ {root}(first: 2,
          newestFirst: true, after: $after) {{ totalCount nodes {{ {fields} }}
          pageInfo {{ endCursor hasNextPage }} }} }}"""
        result, _ = await run(schema, query, world.caller(Role.AUDITOR), variables={"after": after})
        assert result.errors is None, result.errors
        page = result.data[root]  # type: ignore[index]
        seen += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


async def test_auditors_read_the_latest_events_first(schema: PrivacySchema, world: World) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for n in range(5):
        at = start + timedelta(minutes=n)
        await SecurityEvent.create(kind="LOGIN_FAILURE", actor=f"a{n}", at=at, detail="-")
        await AccessLogEntry.create(
            at=at, browser="b", os="o", method="GET", path=f"/{n}", status=200, duration_ms=1.0
        )
    events = await _pages(schema, world, "securityEvents", "actor")
    assert [e["actor"] for e in events] == ["a4", "a3", "a2", "a1", "a0"]
    log = await _pages(schema, world, "accessLog", "path")
    assert [e["path"] for e in log] == ["/4", "/3", "/2", "/1", "/0"]
