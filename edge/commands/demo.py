"""`demo`: migrate and seed demo data into an empty database, write the credentials file, exit."""

from __future__ import annotations

import argparse
import asyncio

from demo import CREDENTIALS_FILE
from edge.commands.common import database
from edge.settings import Settings
from edge.startup import prepare


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo-customers", type=int, default=None, help="customers to seed")


async def _seed(settings: Settings) -> None:
    auth = settings.auth_config()
    async with database(settings):
        await prepare(settings, auth.box)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env(data_dir=args.data_dir, demo=True, customers=args.demo_customers)
    asyncio.run(_seed(settings))
    print(f"demo data ready; credentials in {settings.data_dir / CREDENTIALS_FILE}")
    return 0
