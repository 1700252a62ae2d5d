"""Tampering with the audit in the database, each way an attacker with write access could
(triggers dropped first): the verifier names every changed record and fails; a clean log
passes. The append-only triggers themselves refuse every change while they are in place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.exceptions import OperationalError

from directives.checkpoint import SigningKey
from models import AuditCheckpoint, AuditEntry, AuditLeaf, AuditRequest
from models.by_subject import catch_up
from tests.tlog.attacker import drop_triggers, pk, rewrite_log, sql, write_record
from tlog.files import LogFiles
from tlog.sequencer import ForkRefused, Sequencer
from tlog.verify import Kind, Report, verify

IDS = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(6)]
FORGED = "00000000-0000-4000-8000-0000000000ff"


@dataclass
class Log:
    key: SigningKey
    files: LogFiles
    sequencer: Sequencer

    async def verify(self) -> Report:
        return await verify(self.files, self.key.verifier)


@pytest.fixture
async def log(db: TortoiseContext, tmp_path: Path) -> Log:
    key = SigningKey.generate("test.example/audit")
    files = LogFiles(tmp_path / "data")
    sequencer = Sequencer(key, files)
    for request_id in IDS:
        await write_record(request_id)
        await sequencer.run()  # one checkpoint per record: every size is signed
    return Log(key, files, sequencer)


def named(report: Report) -> set[tuple[Kind, str | None]]:
    return {(f.kind, f.request_id) for f in report.findings if f.request_id}


def kinds(report: Report) -> set[Kind]:
    return {f.kind for f in report.findings}


async def test_a_clean_log_verifies(log: Log) -> None:
    report = await log.verify()
    assert report.findings == []
    assert (report.size, report.journal) == (6, 6)
    assert report.checkpoints == 7  # one per run, and the exported file


@pytest.mark.parametrize(
    "statement",
    [
        'UPDATE "audit_request" SET "purpose" = \'D\'',
        'UPDATE "audit_entry" SET "fields_decisions" = \'name:DENIED\'',
        'UPDATE "audit_log" SET "leaf_hash" = \'00\'',
        'UPDATE "audit_checkpoint" SET "root_hash" = \'00\'',
        'DELETE FROM "audit_checkpoint"',
        'DELETE FROM "audit_log"',
        'DELETE FROM "audit_entry"',
    ],
)
async def test_the_triggers_refuse_changes(log: Log, statement: str) -> None:
    with pytest.raises(OperationalError):
        await sql(statement)
    assert await AuditLeaf.all().count() == 6 and await AuditEntry.all().count() == 12


async def test_an_updated_record_is_named(log: Log) -> None:
    await drop_triggers()
    await sql(f'UPDATE "audit_request" SET "purpose" = \'D\' WHERE "request_id" = \'{IDS[2]}\'')
    entry = await AuditEntry.filter(request_id=await pk(IDS[4])).first()
    assert entry is not None
    await sql(
        f'UPDATE "audit_entry" SET "fields_decisions" = \'name:DENIED\' WHERE "id" = {entry.id}'
    )
    report = await log.verify()
    assert named(report) == {(Kind.ALTERED, IDS[2]), (Kind.ALTERED, IDS[4])}
    assert Kind.CHECKPOINT in kinds(report)


async def test_a_named_use_added_or_changed_is_named(log: Log) -> None:
    """A use outside A-H under consent (P5) is part of the record: adding one to a request
    that declared none, or changing it, changes the leaf."""
    await drop_triggers()
    await sql(
        f'UPDATE "audit_request" SET "named_use" = \'survey-x\' WHERE "request_id" = \'{IDS[3]}\''
    )
    report = await log.verify()
    assert named(report) == {(Kind.ALTERED, IDS[3])}


async def test_a_record_changed_before_it_was_sequenced_is_named(log: Log) -> None:
    """Its leaf hash was computed when it was written: the sequencer numbers that one, not a
    hash of the changed rows."""
    pending = IDS[0][:-1] + "9"
    await write_record(pending)
    await drop_triggers()
    await sql(f'UPDATE "audit_request" SET "purpose" = \'D\' WHERE "request_id" = \'{pending}\'')
    assert await log.sequencer.run() == 1
    report = await log.verify()
    assert named(report) == {(Kind.ALTERED, pending)}


async def test_an_update_with_the_log_rewritten_to_match_is_named(log: Log) -> None:
    await drop_triggers()
    await sql(f'UPDATE "audit_request" SET "actor" = \'someone\' WHERE "request_id" = \'{IDS[1]}\'')
    await rewrite_log(IDS)
    report = await log.verify()
    assert named(report) == {(Kind.ALTERED, IDS[1])}
    assert Kind.CHECKPOINT in kinds(report)
    await write_record(FORGED)
    with pytest.raises(ForkRefused):
        await log.sequencer.run()  # nothing more is signed over the forged tree
    assert await AuditCheckpoint.all().count() == 6


async def _delete(request_id: str) -> None:
    request_pk = await pk(request_id)
    await sql(f'DELETE FROM "audit_log" WHERE "request_id" = {request_pk}')
    await sql(f'DELETE FROM "audit_entry" WHERE "request_id" = {request_pk}')
    await sql(f'DELETE FROM "audit_request" WHERE "id" = {request_pk}')


async def test_a_deleted_record_is_named(log: Log) -> None:
    await drop_triggers()
    await _delete(IDS[3])
    report = await log.verify()
    assert named(report) == {(Kind.DELETED, IDS[3])}
    assert any(f.kind is Kind.DELETED and f.seq == 3 for f in report.findings)


async def test_a_deleted_record_with_the_log_renumbered_is_named(log: Log) -> None:
    await drop_triggers()
    await _delete(IDS[3])
    await rewrite_log([*IDS[:3], *IDS[4:]])
    report = await log.verify()
    assert named(report) == {(Kind.DELETED, IDS[3])}
    assert {Kind.CHECKPOINT, Kind.TRUNCATED} <= kinds(report)


async def test_an_inserted_record_is_named(log: Log) -> None:
    await drop_triggers()
    await write_record(FORGED, actor="t-auditor", purpose="A")
    await rewrite_log([*IDS[:2], FORGED, *IDS[2:]])
    report = await log.verify()
    assert named(report) >= {(Kind.INSERTED, FORGED)}
    assert {k for k, r in named(report)} <= {Kind.INSERTED, Kind.REORDERED}
    assert Kind.CHECKPOINT in kinds(report)


async def _without_foreign_keys() -> None:
    """What a foreign key would still refuse is done anyway: SQLite checks its key only while
    the connection asks it to (an attacker's does not); PostgreSQL has none (0029)."""
    if get_connection("default").capabilities.dialect == "sqlite":
        await sql("PRAGMA foreign_keys = OFF")


async def test_entries_of_no_record_are_named(log: Log) -> None:
    await drop_triggers()
    await _without_foreign_keys()
    nobody = await pk(IDS[-1]) + 1000
    await sql(
        f'INSERT INTO "audit_entry" ("request_id", "subject_type", "subject_id", "type_name", '
        f"\"fields_decisions\") VALUES ({nobody}, 'Customer', 1, 'Customer', 'name:CLEAR')"
    )
    report = await log.verify()
    assert [(f.kind, f.detail) for f in report.findings] == [
        (Kind.INSERTED, f"entry rows for request key {nobody}, which no record has")
    ]


async def test_a_record_deleted_without_its_entries_is_named(log: Log) -> None:
    await drop_triggers()
    await _without_foreign_keys()
    request_pk = await pk(IDS[3])
    await sql(f'DELETE FROM "audit_log" WHERE "request_id" = {request_pk}')
    await sql(f'DELETE FROM "audit_request" WHERE "id" = {request_pk}')
    report = await log.verify()
    assert named(report) == {(Kind.DELETED, IDS[3])}
    left = [f.detail for f in report.findings if f.kind is Kind.INSERTED]
    assert left == [f"entry rows for request key {request_pk}, which no record has"]


@pytest.mark.sqlite_only
async def test_copies_by_subject_deleted_altered_added_or_unmarked_are_named(log: Log) -> None:
    """SQLite's keys by subject (models/by_subject.py) are what a person's history reads: a
    key deleted or altered would hide a read from the person it was about."""
    await catch_up()
    assert (await log.verify()).findings == []
    await drop_triggers()
    (first, first_request), (second, second_request), *_ = [
        (int(e), int(r))
        for e, r in await AuditEntry.all().order_by("id").values_list("id", "request_id")
    ]
    await sql(f"DELETE FROM audit_entry_by_subject WHERE id = {first}")
    await sql(f"UPDATE audit_entry_by_subject SET subject_id = 99 WHERE id = {second}")
    forged = 10**9
    await sql(
        "INSERT INTO audit_entry_by_subject (subject_type, subject_id, request_id, id) "
        f"VALUES ('Customer', 9, {second_request}, {forged})"
    )
    report = await log.verify()
    assert {f.kind for f in report.findings} == {Kind.BY_SUBJECT}
    assert [f.detail for f in report.findings] == [
        f"entry {first} of request key {first_request}: missing or altered by subject",
        f"entry {second} of request key {second_request}: missing or altered by subject",
        f"entry {second} of request key {second_request} by subject: no such entry",
        f"entry {forged} of request key {second_request} by subject: past the last entry copied",
    ]


async def test_reordered_records_are_named(log: Log) -> None:
    await drop_triggers()
    await rewrite_log([IDS[0], IDS[2], IDS[1], *IDS[3:]])
    report = await log.verify()
    assert named(report) == {(Kind.REORDERED, IDS[1]), (Kind.REORDERED, IDS[2])}
    assert Kind.CHECKPOINT in kinds(report)


async def test_a_truncated_tail_is_named(log: Log) -> None:
    await drop_triggers()
    for request_id in IDS[4:]:
        await _delete(request_id)
    await sql('DELETE FROM "audit_checkpoint" WHERE "tree_size" > 4')
    report = await log.verify()
    assert named(report) == {(Kind.DELETED, IDS[4]), (Kind.DELETED, IDS[5])}
    assert Kind.TRUNCATED in kinds(report)  # the exported checkpoint still says 6
    await write_record(FORGED)
    with pytest.raises(ForkRefused):
        await log.sequencer.run()


async def test_a_log_rebuilt_from_scratch_is_named(log: Log, tmp_path: Path) -> None:
    """Everything deleted and written again, one record changed, sequenced and signed anew by
    the attacker's own sequencer and key: the exported journal and checkpoint still tell."""
    original = dict(await AuditRequest.all().values_list("request_id", "at"))
    await drop_triggers()
    for table in ("audit_checkpoint", "audit_log", "audit_entry", "audit_request"):
        await sql(f'DELETE FROM "{table}"')
    for request_id in IDS:
        purpose = "D" if request_id == IDS[0] else "C"
        await write_record(request_id, purpose=purpose, at=original[request_id])
    forger = Sequencer(SigningKey.generate("test.example/audit"), LogFiles(tmp_path / "forger"))
    await forger.run()
    report = await log.verify()
    assert named(report) == {(Kind.ALTERED, IDS[0])}
    checkpoint_findings = [f for f in report.findings if f.kind is Kind.CHECKPOINT]
    assert any("no valid signature" in f.detail for f in checkpoint_findings)
    assert any("differs from" in f.detail for f in checkpoint_findings)


async def test_stored_subtrees_that_do_not_follow_are_named(log: Log) -> None:
    await drop_triggers()
    await sql(f'UPDATE "audit_log" SET "subtrees" = \'{"00" * 32}\' WHERE "seq" = 1')
    report = await log.verify()
    assert [(f.kind, f.seq) for f in report.findings] == [(Kind.TREE, 1)]


async def test_old_records_never_sequenced_are_reported(log: Log) -> None:
    from datetime import UTC, datetime, timedelta

    await write_record(FORGED, at=datetime.now(UTC) - timedelta(days=1))
    await write_record(IDS[0][:-1] + "9")  # written just now: awaiting the next run
    report = await log.verify()
    assert named(report) == {(Kind.UNSEQUENCED, FORGED)} and report.pending == 1


async def test_the_checkpoints_of_another_key_do_not_count(log: Log) -> None:
    other = SigningKey.generate("test.example/audit")
    report = await verify(log.files, other.verifier)
    assert Kind.CHECKPOINT in kinds(report) and report.checkpoints == 0
    assert await AuditCheckpoint.all().count() == 6 and await AuditRequest.all().count() == 6
