"""Reading and appending the audit log in the database: records in canonical form, stored
subtree hashes, the tree size and checkpoints. Every function takes the connection to use (a
transaction's, or the default one). Plain SQL and tuples, not model objects: the sequencer runs
these every few seconds, and a request may have thousands of entries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from directives.audit_record import AuditRecord, Entry
from directives.merkle import Frontier, Node, frontier_nodes, last_leaf
from models import AuditCheckpoint, AuditEntry, AuditLeaf, AuditRequest

HASH_HEX = 64
_REQUEST, _ENTRY = AuditRequest._meta.db_table, AuditEntry._meta.db_table
_LEAF, _CHECKPOINT = AuditLeaf._meta.db_table, AuditCheckpoint._meta.db_table
_AT = AuditRequest._meta.fields_map["at"]  # converts `at` as Tortoise does (text on SQLite)
_RECORD_COLUMNS = (
    "id", "request_id", "at", "actor", "role", "purpose", "operation_name", "client_address",
    "policy_version", "entry_count", "named_use",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class StoredLeaf:
    seq: int
    request_pk: int
    leaf_hash: bytes
    subtrees: bytes  # concatenated 32-byte hashes, level 1 upwards


@dataclass(frozen=True, slots=True)
class Unsequenced:
    """A committed request without a sequence number, as the sequencer needs it."""

    pk: int
    request_id: str
    entry_count: int
    leaf_hash: bytes | None  # as computed when written; None on rows older than 0022


@dataclass(frozen=True, slots=True)
class LatestCheckpoint:
    tree_size: int
    note: str


def _marks(conn: BaseDBAsyncClient, count: int, first: int = 1) -> str:
    if conn.capabilities.dialect == "postgres":
        return ", ".join(f"${n}" for n in range(first, first + count))
    return ", ".join("?" * count)


async def _rows(conn: BaseDBAsyncClient, sql: str, values: Sequence[Any] = ()) -> list[Any]:
    _, rows = await conn.execute_query(sql, list(values))
    return list(rows)


async def records(conn: BaseDBAsyncClient, request_pks: Sequence[int]) -> dict[int, AuditRecord]:
    """The audit records of these requests (by primary key), entries in written order."""
    if not request_pks:
        return {}
    marks, pks = _marks(conn, len(request_pks)), list(request_pks)
    columns = ", ".join(f'"{c}"' for c in _RECORD_COLUMNS)
    rows = await _rows(conn, f'SELECT {columns} FROM "{_REQUEST}" WHERE "id" IN ({marks})', pks)  # noqa: S608 - constants and placeholders
    entries: dict[int, list[Entry]] = {pk: [] for pk in pks}
    columns = '"request_id", "subject_type", "subject_id", "type_name", "fields_decisions"'
    found = await _rows(
        conn,
        f'SELECT {columns} FROM "{_ENTRY}" WHERE "request_id" IN ({marks}) ORDER BY "id"',  # noqa: S608 - constants and placeholders
        pks,
    )
    for request_pk, subject_type, subject_id, type_name, codes in found:
        entries[request_pk].append((subject_type, subject_id, type_name, codes))
    return {row[0]: _record(row, entries[row[0]]) for row in rows}


async def requests_of_no_record(conn: BaseDBAsyncClient, limit: int) -> list[int]:
    """Up to `limit` request keys that entry rows name and no request row has: entries that
    belong to no record (on PostgreSQL no foreign key refuses them, migration 0029). One
    anti-join over both tables, as the verifier reads every entry anyway."""
    found = await _rows(
        conn,
        f'SELECT DISTINCT e."request_id" FROM "{_ENTRY}" AS e WHERE NOT EXISTS '  # noqa: S608 - constants and placeholders
        f'(SELECT 1 FROM "{_REQUEST}" AS r WHERE r."id" = e."request_id") '
        f'ORDER BY e."request_id" LIMIT {_marks(conn, 1)}',
        [limit],
    )
    return [int(row[0]) for row in found]


# An entry and its key by subject (SQLite, models/by_subject.py) agree on every column.
_SAME_ENTRY = (
    "c.id = e.id AND c.request_id = e.request_id AND c.subject_type = e.subject_type "
    "AND c.subject_id = e.subject_id"
)
_MARK = "(SELECT last FROM audit_entry_by_subject_mark)"


async def subject_copy_mismatches(
    conn: BaseDBAsyncClient, limit: int
) -> tuple[list[tuple[int, int]], list[tuple[int, int, bool]]]:
    """SQLite: up to `limit` (entry id, request key) of entries copied (up to the mark) whose
    copy by subject is missing or differs, and of copies that no entry matches or that lie
    past the mark (with whether they do). Nothing on PostgreSQL, where the entries by subject
    are a view."""
    if conn.capabilities.dialect != "sqlite":
        return [], []
    missing = await _rows(
        conn,
        f"SELECT e.id, e.request_id FROM {_ENTRY} AS e WHERE e.id <= {_MARK} AND NOT EXISTS "  # noqa: S608 - constants and placeholders
        f"(SELECT 1 FROM audit_entry_by_subject AS c WHERE {_SAME_ENTRY}) ORDER BY e.id LIMIT ?",
        [limit],
    )
    extra = await _rows(
        conn,
        f"SELECT c.id, c.request_id, c.id > {_MARK} FROM audit_entry_by_subject AS c "  # noqa: S608 - constants and placeholders
        f"WHERE c.id > {_MARK} OR NOT EXISTS (SELECT 1 FROM {_ENTRY} AS e WHERE {_SAME_ENTRY}) "
        "ORDER BY c.id LIMIT ?",
        [limit],
    )
    return (
        [(int(a), int(b)) for a, b in missing],
        [(int(a), int(b), bool(past)) for a, b, past in extra],
    )


def _record(row: Sequence[Any], entries: list[Entry]) -> AuditRecord:
    _, request_id, at, actor, role, purpose, operation, address, version, count, use = row
    at_ = _AT.to_python_value(at)
    assert at_ is not None  # a NOT NULL column
    return AuditRecord(
        request_id=request_id,
        at=at_,
        actor=actor,
        role=role,
        purpose=purpose,
        operation_name=operation,
        client_address=address,
        policy_version=version,
        entry_count=count,
        entries=entries,
        named_use=use,
    )


def _stored(row: Sequence[Any]) -> StoredLeaf:
    seq, request_pk, hash_hex, subtrees = row
    return StoredLeaf(seq, request_pk, bytes.fromhex(hash_hex), bytes.fromhex(subtrees))


_LEAF_COLUMNS = '"seq", "request_id", "leaf_hash", "subtrees"'


async def leaves(conn: BaseDBAsyncClient, seqs: Iterable[int]) -> dict[int, StoredLeaf]:
    wanted = sorted(set(seqs))
    if not wanted:
        return {}
    sql = f'SELECT {_LEAF_COLUMNS} FROM "{_LEAF}" WHERE "seq" IN ({_marks(conn, len(wanted))})'  # noqa: S608 - constants and placeholders
    return {leaf.seq: leaf for leaf in map(_stored, await _rows(conn, sql, wanted))}


async def leaves_from(conn: BaseDBAsyncClient, start: int, limit: int) -> list[StoredLeaf]:
    """Stored leaves in sequence order from `start` (gaps, if any were made, included)."""
    sql = (
        f'SELECT {_LEAF_COLUMNS} FROM "{_LEAF}" WHERE "seq" >= {_marks(conn, 1)} '  # noqa: S608 - constants and placeholders
        f'ORDER BY "seq" LIMIT {_marks(conn, 1, 2)}'
    )
    return [_stored(row) for row in await _rows(conn, sql, [start, limit])]


def subtree_hash(leaf: StoredLeaf, node: Node) -> bytes:
    if node.level == 0:
        return leaf.leaf_hash
    start = (node.level - 1) * 32
    hash_ = leaf.subtrees[start : start + 32]
    if len(hash_) != 32:
        raise LookupError(f"subtree {node} is not stored")
    return hash_


async def nodes(conn: BaseDBAsyncClient, wanted: Iterable[Node]) -> dict[Node, bytes]:
    """The stored hashes of these complete subtrees (each kept on the leaf that closed it)."""
    wanted = list(wanted)
    stored = await leaves(conn, (last_leaf(node) for node in wanted))
    found: dict[Node, bytes] = {}
    for node in wanted:
        leaf = stored.get(last_leaf(node))
        if leaf is None:
            raise LookupError(f"leaf {last_leaf(node)} is not stored")
        found[node] = subtree_hash(leaf, node)
    return found


async def tree_size(conn: BaseDBAsyncClient) -> int:
    """One more than the highest sequence number (the log is gapless unless tampered with)."""
    rows = await _rows(conn, f'SELECT "seq" FROM "{_LEAF}" ORDER BY "seq" DESC LIMIT 1')  # noqa: S608 - constants
    return 0 if not rows else int(rows[0][0]) + 1


async def frontier(conn: BaseDBAsyncClient, size: int) -> Frontier:
    wanted = frontier_nodes(size)
    found = await nodes(conn, wanted)
    return Frontier(size, [found[node] for node in wanted])


async def unsequenced(
    conn: BaseDBAsyncClient, *, after: int, since: datetime | None, limit: int
) -> list[Unsequenced]:
    """Committed requests above id `after` (dated `since` or later) without a sequence
    number, by id."""
    values: list[Any] = [after]
    dated = ""
    if since is not None:
        dated = f'AND r."at" >= {_marks(conn, 1, 2)} '
        values.append(_AT.to_db_value(since, AuditRequest))
    values.append(limit)
    sql = (
        f'SELECT r."id", r."request_id", r."entry_count", r."leaf_hash" FROM "{_REQUEST}" AS r '  # noqa: S608 - constants and placeholders
        f'WHERE r."id" > {_marks(conn, 1)} {dated}'
        f'AND NOT EXISTS (SELECT 1 FROM "{_LEAF}" AS l WHERE l."request_id" = r."id") '
        f'ORDER BY r."id" LIMIT {_marks(conn, 1, len(values))}'
    )
    return [
        Unsequenced(pk, request_id, count, bytes.fromhex(hash_hex) if hash_hex else None)
        for pk, request_id, count, hash_hex in await _rows(conn, sql, values)
    ]


async def ids_since(conn: BaseDBAsyncClient, since: datetime) -> list[int]:
    """The ids of the requests dated `since` or later (through the `at` index)."""
    sql = f'SELECT "id" FROM "{_REQUEST}" WHERE "at" >= {_marks(conn, 1)}'  # noqa: S608 - constants and placeholders
    return [row[0] for row in await _rows(conn, sql, [_AT.to_db_value(since, AuditRequest)])]


async def append_leaves(conn: BaseDBAsyncClient, leaves_: Sequence[StoredLeaf]) -> None:
    """One multi-row insert (a sequencer batch is at most a few hundred leaves)."""
    if not leaves_:
        return
    rows = ", ".join(f"({_marks(conn, 4, 4 * n + 1)})" for n in range(len(leaves_)))
    values = [
        value
        for leaf in leaves_
        for value in (leaf.seq, leaf.request_pk, leaf.leaf_hash.hex(), leaf.subtrees.hex())
    ]
    await conn.execute_query(f'INSERT INTO "{_LEAF}" ({_LEAF_COLUMNS}) VALUES {rows}', values)  # noqa: S608 - constants and placeholders


async def append_checkpoint(
    conn: BaseDBAsyncClient, *, size: int, root: bytes, at: datetime, note: str
) -> None:
    sql = (
        f'INSERT INTO "{_CHECKPOINT}" ("tree_size", "root_hash", "at", "note") '  # noqa: S608 - constants and placeholders
        f"VALUES ({_marks(conn, 4)})"
    )
    await conn.execute_query(sql, [size, root.hex(), _AT.to_db_value(at, AuditCheckpoint), note])


async def latest_note(conn: BaseDBAsyncClient) -> LatestCheckpoint | None:
    """The largest checkpoint's size and signed note (the last of that size)."""
    sql = (
        f'SELECT "tree_size", "note" FROM "{_CHECKPOINT}" '  # noqa: S608 - constants
        'ORDER BY "tree_size" DESC, "id" DESC LIMIT 1'
    )
    rows = await _rows(conn, sql)
    return LatestCheckpoint(int(rows[0][0]), rows[0][1]) if rows else None


async def journal_rows(
    conn: BaseDBAsyncClient, start: int, limit: int
) -> list[tuple[int, str, bytes]]:
    """(seq, request id, leaf hash) from `start`, in sequence order."""
    sql = (
        f'SELECT l."seq", r."request_id", l."leaf_hash" FROM "{_LEAF}" AS l '  # noqa: S608 - constants and placeholders
        f'JOIN "{_REQUEST}" AS r ON r."id" = l."request_id" '
        f'WHERE l."seq" >= {_marks(conn, 1)} ORDER BY l."seq" LIMIT {_marks(conn, 1, 2)}'
    )
    rows = await _rows(conn, sql, [start, limit])
    return [(seq, request_id, bytes.fromhex(hash_hex)) for seq, request_id, hash_hex in rows]


async def latest_checkpoint(conn: BaseDBAsyncClient) -> AuditCheckpoint | None:
    return await AuditCheckpoint.all().using_db(conn).order_by("-tree_size", "-id").first()


async def checkpoint_at(conn: BaseDBAsyncClient, size: int) -> AuditCheckpoint | None:
    return await AuditCheckpoint.filter(tree_size=size).using_db(conn).order_by("-id").first()
