"""The read audit: a per-request buffer, and the store it is flushed to before the response.

Entries never hold a value: subject, type, field names and decisions only.
"""

from __future__ import annotations

import functools
import sqlite3
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from directives.audit_record import AuditRecord, Entry
from models.audit import AuditEntry, AuditRequest
from models.group_commit import GroupCommit, PgPart, pg_array
from models.sqlite_thread import SMALL_WRITE_ROWS, SqliteWork, run_in_sqlite_thread


@dataclass(frozen=True, slots=True)
class Withheld:
    """One receipt line: a path pattern whose value was masked or denied, and why."""

    path: str
    decision: str
    reason: str
    mask: str | None


@dataclass(slots=True)
class AuditBuffer:
    # (subject type, subject id, GraphQL type, "field:DECISION,...") per resolved object
    entries: list[tuple[str, int, str, str]] = field(default_factory=list)
    withheld: Counter[Withheld] = field(default_factory=Counter)
    field_count: int = 0
    written: bool = False  # set once the store has the entries; no receipt before that
    pending_uses: int = 0  # uses of personal values opened but not yet recorded (usage.py)
    policy_version: str = ""  # the version in force when written (P11), named in the receipt


@dataclass(frozen=True, slots=True)
class AuditHeader:
    request_id: str
    at: datetime
    actor: str
    role: str
    purpose: str
    operation_name: str | None
    client_address: str | None
    policy_version: str
    named_use: str | None = None  # a use outside A-H (P5), if declared

    def too_long(self) -> list[str]:
        """Header fields longer than their audit column (read from the model, so a new
        column is checked too): the guard refuses those before anything runs."""
        columns = AuditRequest._meta.fields_map
        return [
            name
            for name, value in ((f, getattr(self, f)) for f in self.__dataclass_fields__)
            if isinstance(value, str) and len(value) > _max_length(columns.get(name))
        ]


# Every audit request row is inserted (its id drawn) no later than this after its `at`, and
# never before it: the store refuses a later write (the request then fails closed). With ids
# drawn in time order this bounds how far id order and time order can disagree, which lets
# time windows over id-ordered lists become id ranges (resolvers/audit/window.py).
MAX_WRITE_DELAY = timedelta(seconds=60)


class AuditWriteTooLate(RuntimeError):
    """The write came more than MAX_WRITE_DELAY after the record's `at`: rolled back."""


class AuditStore(Protocol):
    async def write(self, header: AuditHeader, buffer: AuditBuffer) -> None:
        """Persist durably or raise; the caller fails closed on any exception."""


class TortoiseAuditStore:
    """One request row and one batched insert of entry rows per request, durably committed
    before `write` returns — concurrent requests' rows committed together, with the access
    log's (group commit, models.group_commit: one fsync for many answers, an audit write never
    waits for a timer, a bad write fails alone).

    Inside a transaction already open (a mutation: its change, audit and answer commit
    together) the rows are written in that transaction, not grouped.
    """

    def __init__(self) -> None:
        self._group: GroupCommit[_Rows] = GroupCommit(
            _insert_on_time,
            sqlite=_sqlite_on_time,
            postgres=_PgOnTime(),
            rows=lambda rows: 1 + len(rows.buffer.entries),
        )

    async def write(self, header: AuditHeader, buffer: AuditBuffer) -> None:
        # Hashed here, before the group's transaction (which holds SQLite's one connection).
        rows = _Rows(header, buffer, leaf_hash_of(header, buffer.entries))
        current = get_connection("default")
        if isinstance(current, TransactionalDBClient):
            await _insert_on_time(current, rows)
        else:
            await self._group.submit(rows)

    def runs_beside(self, entries: int) -> bool:
        """Whether a write of `entries` started before the execution ends runs beside it
        (directives.early_audit): in SQLite's thread (a group of more than SMALL_WRITE_ROWS
        rows) or in PostgreSQL's server. A smaller SQLite write runs on the event loop's own
        thread (models.sqlite_thread): started early it would only come first."""
        if get_connection("default").capabilities.dialect == "sqlite":
            return 1 + entries > SMALL_WRITE_ROWS
        return True

    async def probe(self) -> None:
        """Raises unless a request row can be written now (inserted, then rolled back)."""
        try:
            async with in_transaction() as conn:
                await AuditRequest.create(
                    using_db=conn,
                    request_id=f"probe-{uuid.uuid4()}"[:36],
                    at=utc_now(),
                    actor="-",
                    role="-",
                    purpose="-",
                    policy_version="-",
                    entry_count=0,
                )
                raise _ProbeDone
        except _ProbeDone:
            pass


def leaf_hash_of(header: AuditHeader, entries: Sequence[Entry]) -> bytes:
    """The Merkle leaf hash of the record these rows make (directives.audit_record)."""
    record = AuditRecord(
        request_id=header.request_id,
        at=header.at,
        actor=header.actor,
        role=header.role,
        purpose=header.purpose,
        operation_name=header.operation_name,
        client_address=header.client_address,
        policy_version=header.policy_version,
        entry_count=len(entries),
        entries=entries,
        named_use=header.named_use,
    )
    return record.leaf_hash()


@dataclass(frozen=True, slots=True)
class _Rows:
    header: AuditHeader
    buffer: AuditBuffer
    leaf_hash: bytes


async def _insert_on_time(conn: BaseDBAsyncClient, rows: _Rows) -> None:
    """Insert, then check (inside the transaction, before its commit) that the ids were
    drawn within MAX_WRITE_DELAY of `at`; raising rolls the rows back."""
    await insert_rows(conn, rows.header, rows.buffer, leaf_hash=rows.leaf_hash)
    _check_on_time(rows.header)


def _sqlite_on_time(rows: _Rows) -> SqliteWork[None]:
    """`_insert_on_time` as statements for SQLite's thread (a group commit's member)."""
    insert = _sqlite_insert(_request_values(rows.header, rows.buffer, rows.leaf_hash), rows.buffer)

    def run(raw: sqlite3.Connection) -> None:
        insert(raw)
        _check_on_time(rows.header)

    return run


def _check_on_time(header: AuditHeader) -> None:
    late = utc_now() - header.at
    if late > MAX_WRITE_DELAY or late < -MAX_WRITE_DELAY:
        raise AuditWriteTooLate(f"audit written {late.total_seconds():.0f} s after its time")


async def insert_rows(
    conn: BaseDBAsyncClient,
    header: AuditHeader,
    buffer: AuditBuffer,
    *,
    leaf_hash: bytes | None = None,
) -> None:
    """The request row (with the record's leaf hash: `leaf_hash_of` unless given) and its
    entry rows in one statement on PostgreSQL (one round trip however many entries: a
    data-modifying CTE feeding `unnest` of one array per column); on SQLite, where the client
    is in-process, the request row and one multi-row insert per chunk of entries, all in one
    round trip to its thread."""
    request = _request_values(header, buffer, leaf_hash)
    if conn.capabilities.dialect == "postgres":
        part = _pg_part([(request, buffer.entries)], "a", 1, on_time=False)
        await conn.execute_query(f"WITH {part.ctes} SELECT 1", part.values)
        return
    await run_in_sqlite_thread(conn, _sqlite_insert(request, buffer))


class _PgOnTime:
    """A group's audit records in its one PostgreSQL statement (models.group_commit.PgWrite):
    a record whose id would be drawn more than MAX_WRITE_DELAY from its `at` is not inserted
    (checked per row as its id is drawn), and its write fails alone."""

    def part(self, items: Sequence[_Rows], name: str, first: int) -> PgPart:
        requests = [
            (_request_values(r.header, r.buffer, r.leaf_hash), r.buffer.entries) for r in items
        ]
        return _pg_part(requests, name, first, on_time=True)

    def refusal(self, item: _Rows, written: frozenset[str]) -> Exception | None:
        if item.header.request_id in written:
            return None
        return AuditWriteTooLate(f"audit written more than {MAX_WRITE_DELAY} from its time")


def _pg_part(
    requests: Sequence[tuple[list[object], Sequence[Entry]]],
    name: str,
    first: int,
    *,
    on_time: bool,
) -> PgPart:
    """Request rows and their entry rows as two CTEs over `unnest` of one array per column
    (one round trip however many records and entries), ids drawn in the order given; the
    first CTE returns each written request's request_id as `key`."""
    columns: list[list[object]] = [[] for _ in _REQUEST_COLUMNS]
    owners: list[object] = []
    entries: list[list[object]] = [[] for _ in _ENTRY_COLUMNS[1:]]
    for request, rows in requests:
        for column, value in zip(columns, request, strict=True):
            column.append(value)
        for entry in rows:
            owners.append(request[0])  # request_id, the first of _HEADER_COLUMNS
            for column, value in zip(entries, entry, strict=True):
                column.append(value)
    number = iter(range(first, first + len(_REQUEST_COLUMNS) + len(_ENTRY_COLUMNS) + 1))
    arrays = ", ".join(f"${next(number)}::{kind}" for kind in _REQUEST_ARRAYS)
    values: list[object] = [*columns]
    window = ""
    if on_time:
        delay = next(number)
        window = (
            f'WHERE u."at" BETWEEN clock_timestamp() - ${delay}::interval '
            f"AND clock_timestamp() + ${delay}::interval "
        )
        values.append(MAX_WRITE_DELAY)
    entry_arrays = ", ".join(f"${next(number)}::{kind}" for kind in _ENTRY_ARRAYS)
    values += [owners, *entries]
    ctes = (
        f'{name}_r AS (INSERT INTO "{_REQUEST_TABLE}" ({_names(_REQUEST_COLUMNS)}) '  # noqa: S608 - constants
        f"SELECT {', '.join(f'u.{c}' for c in _quoted(_REQUEST_COLUMNS))} FROM unnest({arrays}) "
        f"WITH ORDINALITY AS u({_names(_REQUEST_COLUMNS)}, n) {window}"
        'ORDER BY u.n RETURNING "id", "request_id" AS key), '
        f'{name}_e AS (INSERT INTO "{_ENTRY_TABLE}" ({_names(_ENTRY_COLUMNS)}) '
        f"SELECT r.id, {', '.join(f'e.{c}' for c in _quoted(_ENTRY_COLUMNS[1:]))} "
        f"FROM unnest({entry_arrays}) WITH ORDINALITY AS e(owner, {_names(_ENTRY_COLUMNS[1:])}, n) "
        f"JOIN {name}_r AS r ON r.key = e.owner ORDER BY e.n)"
    )
    return PgPart(ctes, values, written=f"{name}_r")


def _request_values(
    header: AuditHeader, buffer: AuditBuffer, leaf_hash: bytes | None
) -> list[object]:
    """The request row's values in _REQUEST_COLUMNS order, converted as Tortoise would (SQLite
    compares `at` as text)."""
    fields = AuditRequest._meta.fields_map
    request: list[object] = [
        fields[name].to_db_value(getattr(header, name), AuditRequest) for name in _HEADER_COLUMNS
    ]
    leaf = leaf_hash if leaf_hash is not None else leaf_hash_of(header, buffer.entries)
    return [*request, len(buffer.entries), leaf.hex()]


def _sqlite_insert(request: list[object], buffer: AuditBuffer) -> SqliteWork[None]:
    entries = buffer.entries

    def run(raw: sqlite3.Connection) -> None:
        (request_pk,) = raw.execute(_SQLITE_REQUEST_SQL, request).fetchone()
        for start in range(0, len(entries), _SQLITE_CHUNK):
            chunk = entries[start : start + _SQLITE_CHUNK]
            raw.execute(
                _sqlite_entries_sql(len(chunk)),
                [value for entry in chunk for value in (request_pk, *entry)],
            )

    return run


# AuditHeader's fields in the order of these columns; then len(entries) and the leaf hash.
_HEADER_COLUMNS = (
    "request_id",
    "at",
    "actor",
    "role",
    "purpose",
    "named_use",
    "operation_name",
    "client_address",
    "policy_version",
)
_REQUEST_COLUMNS = (*_HEADER_COLUMNS, "entry_count", "leaf_hash")


class _ProbeDone(Exception):
    """Leaves the probe's transaction by rolling it back."""


_ENTRY_COLUMNS = ("request_id", "subject_type", "subject_id", "type_name", "fields_decisions")
# A column added to either table must be written here too: refuse to start otherwise.
assert set(_REQUEST_COLUMNS) == set(AuditRequest._meta.db_fields) - {"id"}, "audit_request"
assert _HEADER_COLUMNS[0] == "request_id", "_pg_part matches entries to requests by it"
assert set(_ENTRY_COLUMNS) == set(AuditEntry._meta.db_fields) - {"id"} | {"request_id"}
_REQUEST_TABLE, _ENTRY_TABLE = AuditRequest._meta.db_table, AuditEntry._meta.db_table
_REQUEST_ARRAYS = tuple(pg_array(AuditRequest._meta.fields_map[c]) for c in _REQUEST_COLUMNS)
_ENTRY_ARRAYS = (
    pg_array(AuditRequest._meta.fields_map["request_id"]),  # the owner, matched to its request
    *(pg_array(AuditEntry._meta.fields_map[c]) for c in _ENTRY_COLUMNS[1:]),
)


def _quoted(columns: tuple[str, ...]) -> list[str]:
    return [f'"{c}"' for c in columns]


def _names(columns: tuple[str, ...]) -> str:
    return ", ".join(_quoted(columns))


_SQLITE_REQUEST_SQL = (
    f'INSERT INTO "{_REQUEST_TABLE}" ({_names(_REQUEST_COLUMNS)}) '  # noqa: S608 - constants
    f'VALUES ({", ".join("?" * len(_REQUEST_COLUMNS))}) RETURNING "id"'
)
# SQLite allows 32,766 parameters per statement (3.32+): 5 per entry row.
_SQLITE_CHUNK = 5_000


@functools.lru_cache(maxsize=64)
def _sqlite_entries_sql(rows: int) -> str:
    row = f"({', '.join('?' * len(_ENTRY_COLUMNS))})"
    values = ", ".join([row] * rows)
    return f'INSERT INTO "{_ENTRY_TABLE}" ({_names(_ENTRY_COLUMNS)}) VALUES {values}'  # noqa: S608 - constants


def _max_length(column: object) -> int:
    length = getattr(column, "max_length", None)
    return length if isinstance(length, int) else 1 << 30


def utc_now() -> datetime:
    return datetime.now(UTC)
