"""What one process does before serving, under the startup lock so several workers or hosts
starting together migrate (and seed demo data) once."""

from __future__ import annotations

from auth.secrets_box import SecretBox
from demo import ensure_demo
from edge.settings import Settings
from models.db import apply_migrations
from models.files import private_directory
from models.startup_lock import startup_lock
from resolvers.research.pseudonyms import deployment_key


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
