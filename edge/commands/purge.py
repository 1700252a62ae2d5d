"""`purge`: the retention purge (P7.4, rights.purge_command); `--dry-run` lists what is due."""

from __future__ import annotations

import argparse
import asyncio
import sys

from edge.settings import Settings
from rights import purge_command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    purge_command.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    try:
        on = purge_command.as_of(args.on)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    settings = Settings.from_env(data_dir=args.data_dir)
    asyncio.run(
        purge_command.run(
            settings.database_url, on=on, dry_run=args.dry_run, out=sys.stdout, err=sys.stderr
        )
    )
    return 0
