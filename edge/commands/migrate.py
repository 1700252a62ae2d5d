"""`migrate`: apply pending migrations (under the startup lock) and exit; for deployments that
migrate before starting new workers."""

from __future__ import annotations

import argparse
import asyncio

from edge.commands.common import database
from edge.settings import Settings
from models.db import apply_migrations, pending_migrations
from models.startup_lock import startup_lock


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="only list pending; exit 1 if any")


async def _migrate(settings: Settings, check: bool) -> int:
    async with database(settings):
        pending = await pending_migrations()
        for name in pending:
            print(("pending " if check else "applying ") + name)
        if check:
            return 1 if pending else 0
        async with startup_lock(settings.database_url, settings.data_dir):
            await apply_migrations()
    return 0


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env(data_dir=args.data_dir)
    return asyncio.run(_migrate(settings, args.check))
