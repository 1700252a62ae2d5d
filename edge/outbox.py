"""The notification outbox's worker, for as long as the server runs (one per worker process;
the outbox hands each message to one of them)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from auth.secrets_box import SecretBox
from edge.background import running
from notify.transports import OutboxSettings
from notify.worker import run_worker

log = logging.getLogger("crm.server")


@asynccontextmanager
async def outbox_worker(outbox: OutboxSettings, box: SecretBox) -> AsyncIterator[None]:
    if outbox.smtp is None:
        log.warning("CRM_SMTP_HOST is not set: e-mail notifications wait in the outbox")
    async with running(run_worker(box, outbox.transports(), interval=outbox.interval)):
        yield
