"""The verifier: recompute the tree from the audit records in the database and check it
against the stored leaf hashes and subtrees, every signed checkpoint (in the database and the
data directory) and the exported journal; name each record that was altered, deleted,
inserted or reordered, and entry rows that belong to no record. Read-only: it can run against
a replica or a restored copy."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from tortoise.connection import get_connection

from directives.checkpoint import CheckpointError, VerifierKey, open_checkpoint
from directives.merkle import Frontier
from models import AuditCheckpoint, AuditRequest
from tlog import store
from tlog.files import JournalLine, LogFiles
from tlog.sequencer import GRACE

CHUNK = 2_000
MOST_NAMED = 100  # request keys of entries of no record (and copies by subject), named at most
Progress = Callable[[int, int], None]


class Kind(StrEnum):
    ALTERED = "ALTERED"  # the record's content changed after it was sequenced
    DELETED = "DELETED"  # a sequenced record (or its number) is gone
    INSERTED = "INSERTED"  # a record where the exported log has none, or entries of no record
    REORDERED = "REORDERED"  # a record sits at another place than it was sequenced at
    TRUNCATED = "TRUNCATED"  # a signed checkpoint covers more records than the log holds
    CHECKPOINT = "CHECKPOINT"  # a checkpoint that does not verify, or a root that differs
    TREE = "TREE"  # stored subtree hashes that do not follow from the stored leaves
    UNSEQUENCED = "UNSEQUENCED"  # a record older than the grace period, never sequenced
    BY_SUBJECT = "BY_SUBJECT"  # SQLite's entries by subject differ from the entries


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    detail: str
    seq: int | None = None
    request_id: str | None = None

    def text(self) -> str:
        where = "".join(
            (f" seq={self.seq}" if self.seq is not None else "",
             f" request={self.request_id}" if self.request_id else "")
        )  # fmt: skip
        return f"{self.kind.value}{where}: {self.detail}"


@dataclass
class Report:
    size: int = 0
    checkpoints: int = 0
    journal: int = 0
    pending: int = 0  # unsequenced records younger than the grace period (not findings)
    findings: list[Finding] = field(default_factory=list)
    _seen: set[tuple[Kind, str | int | None, str]] = field(default_factory=set)

    def add(self, finding: Finding) -> None:
        """Once per record and kind (the journal and the recomputation may both see it)."""
        key = (
            (finding.kind, finding.request_id, "")
            if finding.request_id
            else (finding.kind, finding.seq, finding.detail)
        )
        if key not in self._seen:
            self._seen.add(key)
            self.findings.append(finding)


@dataclass
class _Walk:
    """The tree recomputed from the records (checked against checkpoints and the journal)
    and the tree of the stored leaf hashes (checked against the stored subtrees)."""

    signed: dict[int, tuple[bytes, str]]
    recomputed: Frontier = field(default_factory=Frontier)
    stored: Frontier = field(default_factory=Frontier)
    order: list[tuple[int, str, bytes]] = field(default_factory=list)  # seq, request, hash
    mismatched: list[int] = field(default_factory=list)  # checkpoint sizes whose root differs


async def verify(files: LogFiles, key: VerifierKey, progress: Progress | None = None) -> Report:
    report = Report()
    walk = _Walk(await _signed_roots(files, key, report))
    report.size = await store.tree_size(get_connection("default"))
    await _walk_leaves(walk, report, progress)
    _check_roots(walk, report)
    journal = list(files.journal())
    report.journal = len(journal)
    _compare_journal(journal, walk.order, report)
    await _unsequenced(report)
    await _of_no_record(report)
    await _by_subject(report)
    return report


async def _signed_roots(
    files: LogFiles, key: VerifierKey, report: Report
) -> dict[int, tuple[bytes, str]]:
    """Tree size -> root of every checkpoint signed by the log's key (a size signed with two
    roots is itself a finding: only the key holder can do that)."""
    signed: dict[int, tuple[bytes, str]] = {}
    notes: list[tuple[str, str]] = [
        (row.note, f"database checkpoint {row.id}") for row in await AuditCheckpoint.all()
    ]
    exported = files.read_checkpoint()
    if exported is not None:
        notes.append((exported, str(files.checkpoint_path)))
    for note, source in notes:
        try:
            checkpoint = open_checkpoint(note, key)
        except CheckpointError as error:
            report.add(Finding(Kind.CHECKPOINT, f"{source}: {error}"))
            continue
        report.checkpoints += 1
        known = signed.setdefault(checkpoint.size, (checkpoint.root, source))
        if known[0] != checkpoint.root:
            report.add(Finding(Kind.CHECKPOINT, f"{source} and {known[1]} sign different roots"))
    return signed


async def _walk_leaves(walk: _Walk, report: Report, progress: Progress | None) -> None:
    conn, start = get_connection("default"), 0
    while chunk := await store.leaves_from(conn, start, CHUNK):
        records = await store.records(conn, [leaf.request_pk for leaf in chunk])
        for leaf in chunk:
            for missing in range(start, leaf.seq):
                report.add(Finding(Kind.DELETED, "sequence number missing", seq=missing))
            record = records.get(leaf.request_pk)
            if record is None:
                report.add(Finding(Kind.DELETED, "the record of this leaf is gone", seq=leaf.seq))
                _append(walk, leaf.seq, "", leaf.leaf_hash, leaf, report)
            else:
                computed = record.leaf_hash()
                if computed != leaf.leaf_hash:
                    report.add(
                        Finding(
                            Kind.ALTERED,
                            "the record no longer hashes to its leaf",
                            seq=leaf.seq,
                            request_id=record.request_id,
                        )
                    )
                _append(walk, leaf.seq, record.request_id, computed, leaf, report)
            start = leaf.seq + 1
        if progress is not None:
            progress(start, report.size)


def _append(
    walk: _Walk, seq: int, request_id: str, computed: bytes, leaf: store.StoredLeaf, report: Report
) -> None:
    walk.order.append((seq, request_id, computed))
    walk.recomputed.append(computed)
    closed = walk.stored.append(leaf.leaf_hash)
    if b"".join(closed) != leaf.subtrees:
        report.add(
            Finding(Kind.TREE, "stored subtree hashes do not follow from the leaves", seq=seq)
        )
    if walk.recomputed.size in walk.signed and walk.signed[walk.recomputed.size][0] != (
        walk.recomputed.root()
    ):
        walk.mismatched.append(walk.recomputed.size)


def _check_roots(walk: _Walk, report: Report) -> None:
    if 0 in walk.signed and walk.signed[0][0] != Frontier().root():
        walk.mismatched.insert(0, 0)
    if walk.mismatched:
        first = walk.mismatched[0]
        report.add(
            Finding(
                Kind.CHECKPOINT,
                f"the records' tree differs from {len(walk.mismatched)} signed checkpoint(s), "
                f"from tree size {first} on ({walk.signed[first][1]})",
            )
        )
    for size, (_, source) in sorted(walk.signed.items()):
        if size > walk.recomputed.size:
            report.add(
                Finding(
                    Kind.TRUNCATED,
                    f"{source} covers {size} records; the log holds {walk.recomputed.size}",
                )
            )


def _compare_journal(
    journal: list[JournalLine], order: list[tuple[int, str, bytes]], report: Report
) -> None:
    """Against the journal exported as records were sequenced: by request id, then by rank
    among the records both hold (a record in another place than it was sequenced at)."""
    exported = {line.request_id: line for line in journal}
    held = {request_id: (position, hash_) for position, (_, request_id, hash_) in enumerate(order)}
    for line in journal:
        if line.request_id not in held:
            report.add(
                Finding(
                    Kind.DELETED,
                    "in the exported log, not in the database",
                    line.seq,
                    line.request_id,
                )
            )
        elif held[line.request_id][1] != line.leaf_hash:
            report.add(
                Finding(Kind.ALTERED, "differs from the exported log", line.seq, line.request_id)
            )
    for seq, request_id, _ in order[: len(journal)]:
        if request_id and request_id not in exported:
            report.add(Finding(Kind.INSERTED, "not in the exported log", seq, request_id))
    _reordered(journal, order, exported, report)


def _reordered(
    journal: list[JournalLine],
    order: list[tuple[int, str, bytes]],
    exported: dict[str, JournalLine],
    report: Report,
) -> None:
    held = {request_id for _, request_id, _ in order}
    then = [line.request_id for line in journal if line.request_id in held]
    now = [(seq, request_id) for seq, request_id, _ in order if request_id in exported]
    for rank, ((seq, request_id), was) in enumerate(zip(now, then, strict=True)):
        if request_id != was:
            detail = f"sequenced as number {exported[request_id].seq}, now at rank {rank}"
            report.add(Finding(Kind.REORDERED, detail, seq, request_id))


async def _unsequenced(report: Report) -> None:
    cutoff = datetime.now(UTC) - GRACE
    for request in await AuditRequest.filter(leaf=None):
        if request.at < cutoff:
            detail = f"dated {request.at:%Y-%m-%dT%H:%M:%SZ}, never sequenced"
            report.add(Finding(Kind.UNSEQUENCED, detail, request_id=request.request_id))
        else:
            report.pending += 1


async def _of_no_record(report: Report) -> None:
    """Entry rows whose request row does not exist: inserted outside any record (a deleted
    record's leftovers are named DELETED by its leaf as well)."""
    for request_pk in await store.requests_of_no_record(get_connection("default"), MOST_NAMED):
        detail = f"entry rows for request key {request_pk}, which no record has"
        report.add(Finding(Kind.INSERTED, detail))


async def _by_subject(report: Report) -> None:
    """SQLite: the copy that histories and subject filters read (models/by_subject.py) holds
    every entry copied so far, as written, and nothing else: a copy deleted or altered would
    hide a read from the person it was about."""
    missing, extra = await store.subject_copy_mismatches(get_connection("default"), MOST_NAMED)
    for entry_id, request_pk in missing:
        detail = f"entry {entry_id} of request key {request_pk}: missing or altered by subject"
        report.add(Finding(Kind.BY_SUBJECT, detail))
    for entry_id, request_pk, past in extra:
        why = "past the last entry copied" if past else "no such entry"
        detail = f"entry {entry_id} of request key {request_pk} by subject: {why}"
        report.add(Finding(Kind.BY_SUBJECT, detail))


def summary(report: Report) -> Iterable[str]:
    yield from (finding.text() for finding in report.findings)
    verdict = "FAILED" if report.findings else "OK"
    yield (
        f"{verdict}: {report.size} records, {report.checkpoints} signed checkpoints, "
        f"{report.journal} exported leaves checked; {len(report.findings)} finding(s); "
        f"{report.pending} record(s) awaiting sequencing"
    )
