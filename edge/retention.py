"""Access-log retention: entries older than CRM_ACCESS_LOG_RETENTION_DAYS are pruned at start
and then hourly, by each worker (deleting what another already deleted is harmless)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from models import AccessLogEntry

log = logging.getLogger("crm.retention")
PRUNE_EVERY = timedelta(hours=1)


async def prune_access_log(keep: timedelta, now: datetime | None = None) -> int:
    cutoff = (now or datetime.now(UTC)) - keep
    removed: int = await AccessLogEntry.filter(at__lt=cutoff).delete()
    if removed:
        log.info("access log pruned entries=%d older_than_days=%d", removed, keep.days)
    return removed


async def prune_forever(keep: timedelta) -> None:
    while True:
        try:
            await prune_access_log(keep)
        except Exception as exc:  # try again next hour; never take the server down
            log.error("access log pruning failed error=%s", type(exc).__name__)
        await asyncio.sleep(PRUNE_EVERY.total_seconds())
