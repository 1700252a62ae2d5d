"""The audit log's sequencer (tlog.sequencer) every few seconds, off the request path, for as
long as the server runs (one per worker process; its locks keep one writer at a time)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from directives.checkpoint import SigningKey
from tlog.files import LogFiles
from tlog.sequencer import Sequencer, sequence_forever


@asynccontextmanager
async def audit_sequencer(data_dir: Path, key: SigningKey, interval: float) -> AsyncIterator[None]:
    if interval <= 0:
        yield
        return
    sequencer = Sequencer(key, LogFiles(data_dir))
    task = asyncio.create_task(sequence_forever(sequencer, interval))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
