"""What every subcommand shares: the data directory flag, settings, and a database session."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tortoise import Tortoise

from edge.settings import Settings
from models.db import tortoise_config
from models.files import create_private_database, private_directory, protect_database


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", default=None, help="data directory (env CRM_DATA_DIR, default ./data)"
    )


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[None]:
    """The database open for one command; a SQLite file is created private (0600)."""
    private_directory(settings.data_dir)
    create_private_database(settings.database_url)
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        yield
        protect_database(settings.database_url)
    finally:
        await Tortoise.close_connections()
