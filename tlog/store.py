"""Reading the audit log from the database: records in canonical form, stored subtree hashes,
the tree size and checkpoints. Every function takes the connection to use (a transaction's, or
the default one)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from directives.audit_record import AuditRecord, Entry
from directives.merkle import Frontier, Node, frontier_nodes, last_leaf
from models import AuditCheckpoint, AuditEntry, AuditLeaf, AuditRequest

HASH_HEX = 64


@dataclass(frozen=True, slots=True)
class StoredLeaf:
    seq: int
    request_pk: int
    leaf_hash: bytes
    subtrees: bytes  # concatenated 32-byte hashes, level 1 upwards


async def records(conn: BaseDBAsyncClient, request_pks: Sequence[int]) -> dict[int, AuditRecord]:
    """The audit records of these requests (by primary key), entries in written order."""
    if not request_pks:
        return {}
    rows = await AuditRequest.filter(id__in=request_pks).using_db(conn)
    entries: dict[int, list[Entry]] = {pk: [] for pk in request_pks}
    # Plain tuples, not model objects: a request may have thousands of entries.
    _, found = await conn.execute_query(_entries_sql(conn, len(request_pks)), list(request_pks))
    for request_pk, subject_type, subject_id, type_name, codes in found:
        entries[request_pk].append((subject_type, subject_id, type_name, codes))
    return {
        row.id: AuditRecord(
            request_id=row.request_id,
            at=row.at,
            actor=row.actor,
            role=row.role,
            purpose=row.purpose,
            operation_name=row.operation_name,
            client_address=row.client_address,
            policy_version=row.policy_version,
            entry_count=row.entry_count,
            entries=entries[row.id],
        )
        for row in rows
    }


def _entries_sql(conn: BaseDBAsyncClient, count: int) -> str:
    postgres = conn.capabilities.dialect == "postgres"
    marks = ", ".join(f"${n}" if postgres else "?" for n in range(1, count + 1))
    columns = '"request_id", "subject_type", "subject_id", "type_name", "fields_decisions"'
    table = AuditEntry._meta.db_table
    return f'SELECT {columns} FROM "{table}" WHERE "request_id" IN ({marks}) ORDER BY "id"'  # noqa: S608 - constants and placeholders


def _stored(row: AuditLeaf) -> StoredLeaf:
    return StoredLeaf(
        row.seq, row.request_id, bytes.fromhex(row.leaf_hash), bytes.fromhex(row.subtrees)
    )


async def leaves(conn: BaseDBAsyncClient, seqs: Iterable[int]) -> dict[int, StoredLeaf]:
    rows = await AuditLeaf.filter(seq__in=sorted(set(seqs))).using_db(conn)
    return {row.seq: _stored(row) for row in rows}


async def leaves_from(conn: BaseDBAsyncClient, start: int, limit: int) -> list[StoredLeaf]:
    """Stored leaves in sequence order from `start` (gaps, if any were made, included)."""
    rows = await AuditLeaf.filter(seq__gte=start).using_db(conn).order_by("seq").limit(limit)
    return [_stored(row) for row in rows]


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
    last = await AuditLeaf.all().using_db(conn).order_by("-seq").first()
    return 0 if last is None else last.seq + 1


async def frontier(conn: BaseDBAsyncClient, size: int) -> Frontier:
    wanted = frontier_nodes(size)
    found = await nodes(conn, wanted)
    return Frontier(size, [found[node] for node in wanted])


async def latest_checkpoint(conn: BaseDBAsyncClient) -> AuditCheckpoint | None:
    return await AuditCheckpoint.all().using_db(conn).order_by("-tree_size", "-id").first()


async def checkpoint_at(conn: BaseDBAsyncClient, size: int) -> AuditCheckpoint | None:
    return await AuditCheckpoint.filter(tree_size=size).using_db(conn).order_by("-id").first()
