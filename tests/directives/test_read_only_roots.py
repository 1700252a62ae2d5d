"""A query root whose scope says it only reads (directives.operations.READ_ONLY_SCOPES) may
start before its caller's lookup is back (auth.recent): every list and search of
tests/resolvers/test_query_plans.py (which must name every root query) is run, and none with
such a scope may write anything but the audit of its reads."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from directives.operations import QUERIES, READ_ONLY_SCOPES
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from tests.conftest import World, run, sql_log
from tests.resolvers.test_query_plans import LISTS, Listed

# Written for every read, by the guard and the edge: what a read leaves, not a change; and
# on SQLite the audit's copy by subject, which a read by subject completes first
# (models/by_subject.py).
AUDIT_TABLES = frozenset(
    {
        "audit_request",
        "audit_entry",
        "access_log",
        "audit_entry_by_subject",
        "audit_entry_by_subject_mark",
    }
)
TARGET = re.compile(r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)


class _Writes(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sql: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if set(TARGET.findall(text)) - AUDIT_TABLES:
            self.sql.append(text[:200])


async def _writes(schema: PrivacySchema, world: World, business: Any, entry: Listed) -> list[str]:
    with sql_log(_Writes()) as seen:
        result, _ = await run(
            schema,
            entry.document,
            world.caller(entry.role),
            variables=entry.variables(world, business),
        )
    assert result.errors is None, result.errors
    return seen.sql


READ_ONLY = [e for e in LISTS if QUERIES[e.root].scope in READ_ONLY_SCOPES]


@pytest.mark.parametrize("entry", READ_ONLY, ids=[f"{e.root}-{e.role.value}" for e in READ_ONLY])
async def test_a_read_only_root_writes_nothing_but_its_audit(
    schema: PrivacySchema, world: World, business: Any, entry: Listed
) -> None:
    assert await _writes(schema, world, business, entry) == []


async def test_the_check_can_fail(schema: PrivacySchema, world: World, business: Any) -> None:
    """Research charges the analyst's budget as it reads: its scope is not read-only, and the
    check sees the write."""
    research = Listed(
        "researchAggregate",
        Role.ANALYST,
        "query @purpose(code: F) { researchAggregate(dimension: BIRTH_DECADE) { groups { key } } }",
    )
    assert QUERIES[research.root].scope not in READ_ONLY_SCOPES
    assert await _writes(schema, world, business, research)
    assert READ_ONLY, "nothing checked"
