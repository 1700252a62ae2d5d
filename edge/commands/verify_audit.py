"""`verify-audit`: verify the audit log against its signed checkpoints and journal
(tlog.command); exit 0 clean, 1 on any finding, 2 when it cannot run."""

from __future__ import annotations

import argparse

from edge.settings import Settings
from tlog import command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    command.add_arguments(parser)


def target(data_dir: str | None) -> command.Target:
    """The server's database and data directory, from the same settings as `serve`."""
    settings = Settings.from_env(data_dir=data_dir)
    return command.Target(settings.database_url, settings.data_dir, settings.audit_key)


def run(args: argparse.Namespace) -> int:
    return command.execute(args, target)
