"""What an attacker with write access to the database can do: drop the append-only triggers,
change rows, and rebuild the log's sequence consistently with our own published algorithm
(everything but the signing key, which is not in the database)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from directives.audit import (
    MAX_WRITE_DELAY,
    AuditBuffer,
    AuditHeader,
    TortoiseAuditStore,
    insert_rows,
)
from directives.merkle import Frontier
from models import AuditLeaf, AuditRequest
from tlog import store

AUDIT_TABLES = (
    "audit_request",
    "audit_entry",
    "audit_log",
    "audit_checkpoint",
    "audit_entry_by_subject",  # SQLite: the copy by subject and its mark (models/by_subject.py)
    "audit_entry_by_subject_mark",
)


async def sql(statement: str) -> None:
    await get_connection("default").execute_script(statement)


async def drop_triggers() -> None:
    """Every trigger on the audit tables, whatever its name (found in the catalogue)."""
    conn = get_connection("default")
    tables = ", ".join(f"'{t}'" for t in AUDIT_TABLES)
    if conn.capabilities.dialect == "postgres":
        rows = await conn.execute_query_dict(
            "SELECT t.tgname AS name, c.relname AS tbl FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid "
            f"WHERE NOT t.tgisinternal AND c.relname IN ({tables})"
        )
        for row in rows:
            await sql(f'DROP TRIGGER "{row["name"]}" ON "{row["tbl"]}"')
    else:
        rows = await conn.execute_query_dict(
            f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({tables})"
        )
        for row in rows:
            await sql(f'DROP TRIGGER "{row["name"]}"')


async def write_record(
    request_id: str,
    *,
    actor: str = "t-support",
    purpose: str = "C",
    at: datetime | None = None,
    subjects: Sequence[int] = (1, 2),
) -> None:
    """An audit record as the guard writes one (through the same store); one with an `at`
    older than MAX_WRITE_DELAY (a late commit, or a forged one) the store refuses, so it
    comes from outside it: the same rows, inserted directly."""
    header = AuditHeader(
        request_id=request_id,
        at=at or datetime.now(UTC),
        actor=actor,
        role="SUPPORT",
        purpose=purpose,
        operation_name="Listing",
        client_address="203.0.113.7",
        policy_version="test",
    )
    buffer = AuditBuffer(
        entries=[("Customer", s, "Customer", "name:CLEAR,phone:MASKED") for s in subjects]
    )
    if datetime.now(UTC) - header.at > MAX_WRITE_DELAY:
        async with in_transaction() as conn:
            await insert_rows(conn, header, buffer)
        return
    await TortoiseAuditStore().write(header, buffer)


async def pk(request_id: str) -> int:
    return int((await AuditRequest.get(request_id=request_id)).id)


async def rewrite_log(request_ids: Sequence[str]) -> None:
    """Replace the whole sequence by these records in this order, every hash recomputed."""
    await sql('DELETE FROM "audit_log"')
    conn = get_connection("default")
    pks = [await pk(r) for r in request_ids]
    records = await store.records(conn, pks)
    frontier, rows = Frontier(), []
    for request_pk in pks:
        leaf = records[request_pk].leaf_hash()
        closed = frontier.append(leaf)
        rows.append(
            AuditLeaf(
                seq=frontier.size - 1,
                request_id=request_pk,
                leaf_hash=leaf.hex(),
                subtrees="".join(h.hex() for h in closed),
            )
        )
    await AuditLeaf.bulk_create(rows)
