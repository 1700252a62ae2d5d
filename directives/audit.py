"""The read audit: a per-request buffer, and the store it is flushed to before the response.

Entries never hold a value: subject, type, field names and decisions only.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from models.audit import AuditEntry, AuditRequest
from models.group_commit import GroupCommit


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


class AuditStore(Protocol):
    async def write(self, header: AuditHeader, buffer: AuditBuffer) -> None:
        """Persist durably or raise; the caller fails closed on any exception."""


class TortoiseAuditStore:
    """One request row and one batched insert of entry rows per request, durably committed
    before `write` returns — concurrent requests' rows committed together (group commit,
    models.group_commit: one fsync for many answers, no timer, a bad write fails alone).

    Inside a transaction already open (a mutation: its change, audit and answer commit
    together) the rows are written in that transaction, not grouped.
    """

    def __init__(self) -> None:
        self._group: GroupCommit[tuple[AuditHeader, AuditBuffer]] = GroupCommit(_insert_pair)

    async def write(self, header: AuditHeader, buffer: AuditBuffer) -> None:
        current = get_connection("default")
        if isinstance(current, TransactionalDBClient):
            await _insert(current, header, buffer)
        else:
            await self._group.submit((header, buffer))

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


async def _insert_pair(conn: BaseDBAsyncClient, pair: tuple[AuditHeader, AuditBuffer]) -> None:
    await _insert(conn, *pair)


async def _insert(conn: BaseDBAsyncClient, header: AuditHeader, buffer: AuditBuffer) -> None:
    request = await AuditRequest.create(
        using_db=conn,
        request_id=header.request_id,
        at=header.at,
        actor=header.actor,
        role=header.role,
        purpose=header.purpose,
        named_use=header.named_use,
        operation_name=header.operation_name,
        client_address=header.client_address,
        policy_version=header.policy_version,
        entry_count=len(buffer.entries),
    )
    # One parameterised statement run over all rows: building 1,000 model objects
    # cost more than the enforcement itself (see scripts/bench.py).
    await conn.execute_many(
        _insert_entries(conn.capabilities.dialect),
        [[request.id, *entry] for entry in buffer.entries],
    )


class _ProbeDone(Exception):
    """Leaves the probe's transaction by rolling it back."""


_ENTRY_COLUMNS = ("request_id", "subject_type", "subject_id", "type_name", "fields_decisions")


def _insert_entries(dialect: str) -> str:
    count = len(_ENTRY_COLUMNS)
    marks = ["?"] * count if dialect == "sqlite" else [f"${n}" for n in range(1, count + 1)]
    columns = ", ".join(f'"{c}"' for c in _ENTRY_COLUMNS)
    table = AuditEntry._meta.db_table
    return f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join(marks)})'  # noqa: S608 - constants


def _max_length(column: object) -> int:
    length = getattr(column, "max_length", None)
    return length if isinstance(length, int) else 1 << 30


def utc_now() -> datetime:
    return datetime.now(UTC)
