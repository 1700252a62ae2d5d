"""The sequencer: gapless numbers in the order records are found committed, also with several
sequencers (hosts) racing concurrent audit writes; one sequencer per host (file lock); a signed
checkpoint per batch, exported to the data directory with the journal of leaves."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tortoise.connection import get_connection
from tortoise.context import TortoiseContext

from directives.checkpoint import SigningKey, open_checkpoint
from directives.merkle import root
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditCheckpoint, AuditLeaf, AuditRequest
from tests.conftest import World, run
from tests.tlog.attacker import drop_triggers, write_record
from tlog import store
from tlog.files import LogFiles
from tlog.sequencer import WIDE_EVERY, Sequencer
from tlog.verify import verify

KEY = SigningKey.generate("test.example/audit")


def ref(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


async def test_gapless_with_several_hosts_and_concurrent_writes(
    db: TortoiseContext, tmp_path: Path
) -> None:
    hosts = [Sequencer(KEY, LogFiles(tmp_path / f"host{n}"), batch=7) for n in range(3)]

    async def writer(first: int) -> None:
        for n in range(first, first + 20):
            await write_record(ref(n))
            await asyncio.sleep(0)

    async def sequencing(host: Sequencer) -> None:
        for _ in range(15):
            await host.run()
            await asyncio.sleep(0.001)

    await asyncio.gather(*(writer(k * 100) for k in range(3)), *(sequencing(h) for h in hosts))
    for host in hosts:
        await host.run()
    leaves = await AuditLeaf.all().order_by("seq").values_list("seq", "request_id")
    assert [seq for seq, _ in leaves] == list(range(60))
    assert sorted(pk for _, pk in leaves) == sorted(
        await AuditRequest.all().values_list("id", flat=True)
    )
    for host in hosts:  # every host's journal mirrors the whole sequence, and verifies
        assert [line.seq for line in host.files.journal()] == list(range(60))
        assert (await verify(host.files, KEY.verifier)).findings == []


async def test_one_sequencer_per_host(db: TortoiseContext, tmp_path: Path) -> None:
    files = LogFiles(tmp_path)
    await write_record(ref(1))
    with files.lock() as held:
        assert held
        assert await Sequencer(KEY, files).run() == 0  # another process of this host holds it
    assert await Sequencer(KEY, files).run() == 1


async def test_a_checkpoint_per_batch_exported_with_the_journal(
    db: TortoiseContext, tmp_path: Path
) -> None:
    files = LogFiles(tmp_path)
    sequencer = Sequencer(KEY, files, batch=4)
    assert await sequencer.run() == 0  # an empty log still gets a signed checkpoint
    for n in range(10):
        await write_record(ref(n))
    assert await sequencer.run() == 10
    sizes = [c.tree_size for c in await AuditCheckpoint.all().order_by("id")]
    assert sizes == [0, 4, 8, 10]
    latest = await AuditCheckpoint.filter(tree_size=10).get()
    exported = files.read_checkpoint()
    assert exported == latest.note
    checkpoint = open_checkpoint(exported, KEY.verifier)
    pks = [leaf.request_id for leaf in await AuditLeaf.all().order_by("seq")]
    records = await store.records(get_connection("default"), pks)
    leaves = [line.leaf_hash for line in files.journal()]
    assert checkpoint.root == root(leaves) == bytes.fromhex(latest.root_hash)
    assert leaves == [records[pk].leaf_hash() for pk in pks]
    assert await sequencer.run() == 0 and await AuditCheckpoint.all().count() == 4


async def test_late_commits_are_found_by_the_wide_look_back_or_a_new_process(
    db: TortoiseContext, tmp_path: Path
) -> None:
    """A run looks back RECENT; once a minute GRACE; a fresh sequencer (a restart) everywhere."""
    files = LogFiles(tmp_path)
    first = Sequencer(KEY, files)
    await first.run()
    await write_record(ref(1), at=datetime.now(UTC) - timedelta(minutes=5))
    assert await first.run() == 0  # older than RECENT: not looked at by an ordinary run
    assert first.wide_at is not None
    first.wide_at -= WIDE_EVERY
    assert await first.run() == 1  # the wide look-back finds it
    await write_record(ref(2), at=datetime.now(UTC) - timedelta(hours=2))
    first.wide_at -= WIDE_EVERY
    assert await first.run() == 0  # older than GRACE: only a whole-table look finds it
    assert await Sequencer(KEY, files).run() == 1


async def _leaves_and_recomputed() -> list[tuple[bytes, bytes, str | None]]:
    """Per leaf: the hash the sequencer stored, the one recomputed from the record's rows (as
    the verifier does), and the one stored with the request when it was written."""
    leaves = await AuditLeaf.all().order_by("seq")
    records = await store.records(get_connection("default"), [leaf.request_id for leaf in leaves])
    written = dict(await AuditRequest.all().values_list("id", "leaf_hash"))
    return [
        (
            bytes.fromhex(leaf.leaf_hash),
            records[leaf.request_id].leaf_hash(),
            written[leaf.request_id],
        )
        for leaf in leaves
    ]


async def test_the_leaf_hashed_when_written_is_the_verifiers_recomputation(
    schema: PrivacySchema, world: World, tmp_path: Path
) -> None:
    """The request path hashes each record from the values in memory; the verifier from the
    rows read back. Through the guard (a real answer's audit) and with awkward strings."""
    result, _ = await run(
        schema,
        "query Listing @purpose(code: E) { customers(first: 5) { nodes { name phone } } }",
        world.caller(Role.BILLING),
    )
    assert not result.errors
    await write_record(ref(1), actor='t-ü \u2028 "quoted" \\ \x01 😀', subjects=range(1, 40))
    files = LogFiles(tmp_path)
    assert await Sequencer(KEY, files).run() == 2
    hashes = await _leaves_and_recomputed()
    assert len(hashes) == 2
    for stored, recomputed, written in hashes:
        assert stored == recomputed
        assert written == stored.hex()  # numbered as written, not rehashed
    assert (await verify(files, KEY.verifier)).findings == []


async def test_records_written_without_their_hash_are_hashed_from_their_rows(
    db: TortoiseContext, tmp_path: Path
) -> None:
    """Rows from before migration 0022 (or inserted by other means) carry no leaf hash."""
    for n in range(3):
        await write_record(ref(n))
    await drop_triggers()
    await get_connection("default").execute_script('UPDATE "audit_request" SET "leaf_hash" = NULL')
    files = LogFiles(tmp_path)
    assert await Sequencer(KEY, files).run() == 3
    hashes = await _leaves_and_recomputed()
    assert [written for _, _, written in hashes] == [None, None, None]
    assert all(stored == recomputed for stored, recomputed, _ in hashes)
    assert (await verify(files, KEY.verifier)).findings == []


async def test_the_checkpoint_file_is_rewritten_only_when_it_changes(
    db: TortoiseContext, tmp_path: Path
) -> None:
    files = LogFiles(tmp_path)
    sequencer = Sequencer(KEY, files)
    await write_record(ref(1))
    await sequencer.run()
    written = files.checkpoint_path.stat().st_ino  # each write replaces the file
    assert await sequencer.run() == 0
    assert files.checkpoint_path.stat().st_ino == written
    await write_record(ref(2))
    assert await sequencer.run() == 1
    assert files.checkpoint_path.stat().st_ino != written
    assert open_checkpoint(files.read_checkpoint() or "", KEY.verifier).size == 2
