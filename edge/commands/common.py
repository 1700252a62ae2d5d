"""What every subcommand shares: the data directory flag, settings, and a database session."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tortoise import Tortoise

from edge.settings import Settings
from models.db import tortoise_config


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", default=None, help="data directory (env CRM_DATA_DIR, default ./data)"
    )


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[None]:
    await Tortoise.init(config=tortoise_config(settings.database_url))
    try:
        yield
    finally:
        await Tortoise.close_connections()
