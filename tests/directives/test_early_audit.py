"""The audit write started once the last personal object of a query is enforced
(directives.early_audit): when the proof allows it, that it starts before the execution ends,
that it records the same rows, and that an entry added after it fails the request closed."""

from __future__ import annotations

import asyncio

import pytest
from graphql import OperationDefinitionNode, parse
from tortoise.connection import get_connection

import directives.analysis
from directives.audit import AuditBuffer, AuditHeader, TortoiseAuditStore
from directives.early_audit import early_sites
from directives.guard import PrivacyGuard
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry, AuditRequest
from models.sqlite_thread import SMALL_WRITE_ROWS
from tests.conftest import World, run

LIST = "query @purpose(code: C) { customers { nodes { name phone } } }"
# Two enforced fields adding entries, neither under a list: the customer, then its agent.
NESTED = "query {name} @purpose(code: C) {{ customer(id: {id}) {{ name agent {{ name }} }} }}"


def _sites(schema: PrivacySchema, text: str) -> int | None:
    document = parse(text)
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return early_sites(schema._schema, document, operation)


@pytest.mark.parametrize(
    ("text", "sites"),
    [
        (LIST, 1),  # the page's nodes (a page itself holds no personal field)
        ("{ customer(id: 1) { name agent { name } } }", 2),
        ("{ customers { nodes { ...F } } } fragment F on Customer { name }", 1),
        ("{ customers { nodes { ...F ...F } } } fragment F on Customer { name }", 1),
        ("{ customers { nodes { name } } __typename }", 1),
        # Not proven: the write waits for the end.
        ("{ customers { nodes { agent { name } } } }", None),  # agent: under a list
        ("{ a: customers { nodes { name } } b: customers { nodes { name } } }", None),
        ("{ customers { nodes @include(if: true) { name } } }", None),
        ("{ customers { nodes { ...F @skip(if: false) } } } fragment F on Customer { name }", None),
        ("{ customers { nodes { ... on Customer @include(if: true) { name } } } }", None),
        ("{ __schema { types { name } } }", None),
        ("{ customers { totalCount nodes { name } } }", None),  # a resolver of its own
        ("{ customers { nodes { id } } }", 1),  # enforced all the same (no entry: no write)
        ("mutation { logout }", None),
    ],
)
def test_what_the_proof_accepts(schema: PrivacySchema, text: str, sites: int | None) -> None:
    assert _sites(schema, text) == sites


class RecordingStore:
    """Records when its write ran against the guard's flush (the execution's end)."""

    def __init__(self, events: list[str]) -> None:
        self.events = events
        self.entries: list[tuple[str, int, str, str]] = []

    def runs_beside(self, entries: int) -> bool:
        return True

    async def write(self, header: AuditHeader, buffer: AuditBuffer) -> None:
        self.events.append("write")
        self.entries = list(buffer.entries)


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    log: list[str] = []
    flush = PrivacyGuard._flush

    async def flushed(self: PrivacyGuard, context: object) -> None:
        log.append("flush")
        await flush(self, context)  # type: ignore[arg-type]

    monkeypatch.setattr(PrivacyGuard, "_flush", flushed)
    return log


async def test_the_write_starts_before_the_end_and_records_every_object(
    schema: PrivacySchema, world: World, events: list[str]
) -> None:
    store = RecordingStore(events)
    result, context = await run(schema, LIST, world.caller(Role.SUPPORT), audit_store=store)
    assert result.errors is None
    assert events == ["write", "flush"]
    assert sorted(e[1] for e in store.entries) == sorted(c.id for c in world.customers)
    assert result.extensions is not None and result.extensions["privacy"]["auditRef"]
    assert context.audit.written


async def test_a_store_whose_write_would_not_run_beside_waits_for_the_end(
    schema: PrivacySchema, world: World, events: list[str]
) -> None:
    store = RecordingStore(events)
    store.runs_beside = lambda entries: False  # type: ignore[method-assign]
    result, _ = await run(schema, LIST, world.caller(Role.SUPPORT), audit_store=store)
    assert result.errors is None and events == ["flush", "write"]


async def test_an_entry_after_the_early_write_fails_closed(
    schema: PrivacySchema, world: World, events: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong proof (1 where the agent adds a second entry): the answer is withheld."""
    customer = world.customers[0]
    text = NESTED.format(name="WrongProof", id=customer.id)
    assert _sites(schema, text) == 2
    monkeypatch.setattr(directives.analysis, "early_sites", lambda *_: 1)
    store = RecordingStore(events)
    result, context = await run(schema, text, world.caller(Role.SUPPORT), audit_store=store)
    assert len(store.entries) == 1 and events == ["write", "flush"]
    assert result.data is None
    assert result.errors and result.errors[0].extensions
    assert result.errors[0].extensions["code"] == "AUDIT_UNAVAILABLE"
    assert not context.audit.written
    assert not (result.extensions or {}).get("privacy")


async def test_a_failed_early_write_fails_closed(
    schema: PrivacySchema, world: World, events: list[str]
) -> None:
    class Failing(RecordingStore):
        async def write(self, header: AuditHeader, buffer: AuditBuffer) -> None:
            self.events.append("write")
            raise ConnectionError("disk full")

    result, _ = await run(schema, LIST, world.caller(Role.SUPPORT), audit_store=Failing(events))
    assert events == ["write", "flush"]
    assert result.data is None and result.errors and result.errors[0].extensions
    assert result.errors[0].extensions["code"] == "AUDIT_UNAVAILABLE"


async def test_the_database_store_writes_the_same_rows_early(
    schema: PrivacySchema, world: World
) -> None:
    customer = world.customers[0]
    text = NESTED.format(name="Nested", id=customer.id)
    store = TortoiseAuditStore()
    store.runs_beside = lambda entries: True  # type: ignore[method-assign]
    result, context = await run(schema, text, world.caller(Role.SUPPORT), audit_store=store)
    assert result.errors is None
    [request] = await AuditRequest.filter(request_id=context.request_id)
    entries = await AuditEntry.filter(request_id=request.id).order_by("id")
    assert request.entry_count == 2
    assert [(e.subject_type, e.type_name) for e in entries] == [
        ("Customer", "Customer"),
        ("Agent", "Agent"),
    ]


async def test_which_writes_run_beside_the_execution(db: object) -> None:
    store = TortoiseAuditStore()
    if get_connection("default").capabilities.dialect == "sqlite":
        # A small write commits on the event loop's thread: started early it only comes first.
        assert not store.runs_beside(SMALL_WRITE_ROWS - 1)
        assert store.runs_beside(SMALL_WRITE_ROWS)
    else:
        assert store.runs_beside(1)


async def test_concurrent_early_writes_each_record_their_own_request(
    schema: PrivacySchema, world: World
) -> None:
    """Many queries at once, each writing early through the database store (group commits
    of several early writes): every answer's auditRef names its own request row, with all of
    its entries."""
    store = TortoiseAuditStore()
    store.runs_beside = lambda entries: True  # type: ignore[method-assign]
    caller = world.caller(Role.SUPPORT)
    texts = [LIST, NESTED.format(name="Nested", id=world.customers[0].id)] * 12
    answers = await asyncio.gather(*(run(schema, t, caller, audit_store=store) for t in texts))
    for text, (result, context) in zip(texts, answers, strict=True):
        assert result.errors is None and context.audit.written
        assert result.extensions is not None
        ref = result.extensions["privacy"]["auditRef"]
        [request] = await AuditRequest.filter(request_id=ref)
        expected = len(world.customers) if text == LIST else 2
        assert request.entry_count == expected
        assert await AuditEntry.filter(request_id=request.id).count() == expected
    assert await AuditRequest.all().count() == len(texts)
