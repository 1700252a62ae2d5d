"""What one process does before serving, under the startup lock so several workers or hosts
starting together migrate (and seed demo data) once."""

from __future__ import annotations

import logging
import time

from auth.secrets_box import SecretBox
from demo import ensure_demo
from edge.settings import Settings
from models.db import apply_migrations
from models.files import private_directory
from models.startup_lock import startup_lock
from resolvers.research import snapshot
from resolvers.research.pseudonyms import deployment_key

log = logging.getLogger("crm.server")


async def prepare(settings: Settings, box: SecretBox) -> bytes:
    """Migrations, then demo data if asked; returns the research pseudonym key (P5.F)."""
    private_directory(settings.data_dir)
    sqlite = settings.sqlite_path
    lock_dir = sqlite.parent if sqlite else settings.data_dir  # beside the SQLite file
    async with startup_lock(settings.database_url, lock_dir):
        await apply_migrations()
        key = await deployment_key()
        if settings.demo:
            await ensure_demo(settings.data_dir, customers=settings.demo_customers, box=box)
    return key


async def warm_research(key: bytes) -> None:
    """The research answers (P5.F) made before this worker serves (CRM_RESEARCH_WARM): its
    first research request is then patched from them, not a count of everyone (seconds at a
    million customers). A failure is logged (its type only) and leaves them to that request."""
    started = time.perf_counter()
    try:
        counted = await snapshot.warm(key)
    except Exception as exc:
        log.warning("research warm-up failed error=%s", type(exc).__name__)
        return
    seconds = time.perf_counter() - started
    log.info("research warmed customers=%d seconds=%.1f", counted, seconds)
