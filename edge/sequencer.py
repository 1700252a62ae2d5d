"""The audit log's sequencer (tlog.sequencer) every few seconds, off the request path, for as
long as the server runs (one per worker process; its locks keep one writer at a time); and,
beside it, the copier of the audit's keys by subject."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tortoise.connection import get_connection

from directives.checkpoint import SigningKey
from edge.background import running
from models.by_subject import COPY_SECONDS, copied_here, copy_forever
from tlog.files import LogFiles
from tlog.sequencer import Sequencer, sequence_forever


@asynccontextmanager
async def audit_sequencer(data_dir: Path, key: SigningKey, interval: float) -> AsyncIterator[None]:
    if interval <= 0:
        yield
        return
    sequencer = Sequencer(key, LogFiles(data_dir))
    async with running(sequence_forever(sequencer, interval)):
        yield


@asynccontextmanager
async def subject_copier(interval: float = COPY_SECONDS) -> AsyncIterator[None]:
    """The audit's keys by subject copied every `interval` seconds (models/by_subject.py:
    SQLite only; on PostgreSQL they are a view, and nothing runs)."""
    if not copied_here(get_connection("default")):
        yield
        return
    async with running(copy_forever(interval)):
        yield
