"""What the audit log keeps outside the database, in the data directory:

- `audit-checkpoint.txt`: the latest signed checkpoint this host made or saw (never replaced by
  a smaller one), so a truncated or rebuilt table cannot match it;
- `audit-log.tsv`: one line per sequenced record (`seq`, request id, leaf hash hex), appended
  after each commit: with it the verifier names each altered, deleted, inserted or reordered
  record, not only the checkpoint that no longer matches;
- `audit-sequencer.lock`: the file lock that makes one process per host the sequencer.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from models.files import PRIVATE_DIRECTORY, PRIVATE_FILE

CHECKPOINT_FILE = "audit-checkpoint.txt"
JOURNAL_FILE = "audit-log.tsv"
LOCK_FILE = "audit-sequencer.lock"


def _private(path: Path, flags: int) -> TextIO:
    """Open for writing, created 0600 like every file of the data directory."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | flags, PRIVATE_FILE)
    return os.fdopen(fd, "a", encoding="utf-8")


@dataclass(frozen=True, slots=True)
class JournalLine:
    seq: int
    request_id: str
    leaf_hash: bytes

    def text(self) -> str:
        return f"{self.seq}\t{self.request_id}\t{self.leaf_hash.hex()}\n"


@dataclass(frozen=True, slots=True)
class LogFiles:
    directory: Path

    @property
    def checkpoint_path(self) -> Path:
        return self.directory / CHECKPOINT_FILE

    @property
    def journal_path(self) -> Path:
        return self.directory / JOURNAL_FILE

    @contextmanager
    def lock(self) -> Iterator[bool]:
        """True if this process now holds the sequencer lock (never waits)."""
        self.directory.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
        with _private(self.directory / LOCK_FILE, os.O_APPEND) as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def read_checkpoint(self) -> str | None:
        path = self.checkpoint_path
        return path.read_text(encoding="utf-8") if path.exists() else None

    def write_checkpoint(self, note: str) -> None:
        """Atomically, so a reader never sees half a note."""
        fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".checkpoint-")
        with os.fdopen(fd, "w", encoding="utf-8") as file:  # mkstemp: mode 0600
            file.write(note)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.checkpoint_path)

    def journal(self) -> Iterator[JournalLine]:
        path = self.journal_path
        if not path.exists():
            return
        with path.open(encoding="utf-8") as file:
            for line in file:
                seq, request_id, hash_hex = line.rstrip("\n").split("\t")
                yield JournalLine(int(seq), request_id, bytes.fromhex(hash_hex))

    def journal_size(self) -> int:
        """One more than the last line's sequence number: read from the end of the file."""
        path = self.journal_path
        if not path.exists() or path.stat().st_size == 0:
            return 0
        with path.open("rb") as file:
            file.seek(max(0, path.stat().st_size - 512))
            last = file.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]
        return int(last.split(b"\t", 1)[0]) + 1

    def append_journal(self, lines: Iterable[JournalLine]) -> None:
        """Not fsynced: lines lost in a crash are appended again from the database on the next
        run (the journal only ever catches up); the checkpoint file is synced."""
        with _private(self.journal_path, os.O_APPEND) as file:
            file.writelines(line.text() for line in lines)
