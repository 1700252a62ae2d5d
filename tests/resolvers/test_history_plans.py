"""The person's access history (APPI art. 33) reads indexes only, at any length of audit:
each of the person's audit subjects from the entries by subject (subject_type, subject_id,
request_id, id; models/by_subject.py: SQLite's copy, PostgreSQL's view of audit_entry and its
index) newest first, its provision records from `provision_record(customer_id, id)`, each a
keyset range cut at one page — no sequential scan, no scan of another index filtering rows,
and no sort of all the person's rows. Checked on PostgreSQL (the generic plan, as asyncpg
caches it, sequential scans off: see test_query_plans) and on SQLite (EXPLAIN QUERY PLAN).
`test_the_checks_can_fail` runs the former query (every subject at once, ordered by id) and
sees both checks refuse it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from tortoise.connection import get_connection

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import Contact, RightsRequest, SubjectEntry
from models.rights import IdDocument, RequestKind
from rights.access import Position, about, subjects_of
from schema.rights.access import encode_position
from tests.conftest import World, run, sql_log
from tests.resolvers.test_query_plans import _nodes, full_scans, generic_plan

HISTORY = """query H($after: String) { myAccessHistory(first: 5, after: $after) {
  nodes { kind at } pageInfo { endCursor } } }"""
# The columns the history's index reads must start from: the keys by subject (on PostgreSQL
# the view's rows come from audit_entry's subject index: its plans name that table), then the
# entries they stand for by primary key, and the provision records by person.
SUBJECT_INDEX = ("subject_type", "subject_id")
BY_ID = ("id",)
PERSON_TABLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "audit_entry_by_subject": (SUBJECT_INDEX,),
    "audit_entry": (SUBJECT_INDEX, BY_ID),
    "provision_record": (("customer_id",),),
}


class _Selects(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[tuple[str, list[Any]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if isinstance(args, tuple) and len(args) == 2 and str(args[0]).startswith("SELECT"):
            values = args[1]
            bound = list(values) if isinstance(values, list | tuple) else []
            self.statements.append((str(args[0]), bound))


async def _with_contact_and_request(world: World) -> None:
    me = world.customers[0]
    await Contact.create(customer=me, name="経理 担当", phone="03-1111-2222")
    at = me.created_at
    await RightsRequest.create(
        customer=me, kind=RequestKind.DISCLOSURE, document=IdDocument.PASSPORT,
        checked_by="t-support", checked_at=at, received_at=at, due_at=at, fee=0,
        policy_version="test",
    )  # fmt: skip


def _postgres() -> bool:
    return bool(get_connection("default").capabilities.dialect == "postgres")


async def _pg_problems(sql: str) -> list[str]:
    plan = await generic_plan(sql)
    found = full_scans(plan)
    for node in _nodes(plan):
        if node["Node Type"] in ("Sort", "Incremental Sort"):
            found.append(f"sorts {node.get('Sort Key')}")
        table = node.get("Relation Name")
        if table in PERSON_TABLES and not any(_index_on(node, c) for c in PERSON_TABLES[table]):
            found.append(f"{table} not read from its person index: {node['Node Type']}")
    return found


def _index_on(node: dict[str, Any], columns: tuple[str, ...]) -> bool:
    """An index scan (or a bitmap heap scan, whose recheck is its index's condition) whose
    condition names `columns`."""
    condition = str(node.get("Index Cond") or node.get("Recheck Cond") or "")
    kind = node["Node Type"]
    return (kind.startswith("Index") or kind == "Bitmap Heap Scan") and all(
        re.search(rf"(?<!\w){c}\b", condition) for c in columns
    )


async def _sqlite_problems(sql: str, values: list[Any]) -> list[str]:
    _, rows = await get_connection("default").execute_query("EXPLAIN QUERY PLAN " + sql, values)
    found = []
    for detail in (str(row["detail"]) for row in rows):
        if "TEMP B-TREE" in detail:
            found.append(detail)
        for table, alternatives in PERSON_TABLES.items():
            if f" {table} " in f" {detail} " and not any(
                detail.startswith("SEARCH")
                and all(f"{'rowid' if c == 'id' else c}=?" in detail for c in columns)
                for columns in alternatives
            ):
                found.append(detail)
    return found


async def _problems(schema: PrivacySchema, world: World, after: str | None) -> Iterator[str]:
    with sql_log(_Selects()) as selects:
        result, _ = await run(
            schema, HISTORY, world.caller(Role.CUSTOMER), variables={"after": after}
        )
    assert result.errors is None, result.errors
    person_reads = [
        (sql, values)
        for sql, values in selects.statements
        if any(f'"{table}"' in sql for table in PERSON_TABLES)
    ]
    # One read per audit subject (record, contact, request) and one of provision records.
    assert len(person_reads) >= 4, selects.statements
    found = []
    if _postgres():  # the person's subjects (contacts, requests) by index too
        for sql, _ in selects.statements:
            found += [f"{p}: {sql}" for p in full_scans(await generic_plan(sql))]
    for sql, values in person_reads:
        if _postgres():
            found += [f"{p}: {sql}" for p in await _pg_problems(sql)]
        else:
            found += [f"{p}: {sql}" for p in await _sqlite_problems(sql, values)]
    return iter(found)


async def test_the_history_reads_only_indexes_and_sorts_nothing(
    schema: PrivacySchema, world: World
) -> None:
    await _with_contact_and_request(world)
    # A few reads about the person, so the first page has something to continue from.
    one = "query Q($id: ID!) @purpose(code: C) { customer(id: $id) { name } }"
    for _ in range(3):
        await run(schema, one, world.caller(Role.SUPPORT), variables={"id": world.customers[0].id})
    assert list(await _problems(schema, world, None)) == []
    later = encode_position(Position(audit=(10**6, 10**7), provision=10**6))
    assert list(await _problems(schema, world, later)) == []


async def test_the_checks_can_fail(world: World) -> None:
    """The former query — all the person's subjects at once, ordered by id — is refused."""
    await _with_contact_and_request(world)
    subjects = await subjects_of(world.customers[0].id)
    query = SubjectEntry.filter(about(subjects)).order_by("-request_id", "-id").limit(51)
    if _postgres():
        assert await _pg_problems(query.sql())
    else:
        sql = query.sql(params_inline=True)
        assert await _sqlite_problems(sql, [])
