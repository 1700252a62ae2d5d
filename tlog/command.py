"""`python server.py verify-audit [--data-dir D] [--verifier-key FILE]`: verify the audit log
in the server's database (DATABASE_URL, or the data directory's SQLite file) against its
signed checkpoints and the journal in the data directory; exit 1 on any finding."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from tortoise.context import TortoiseContext

from directives.checkpoint import CheckpointError, SigningKey, VerifierKey, parse_verifier_key
from models.db import tortoise_config
from tlog.files import LogFiles
from tlog.verify import Progress, summary, verify

OK, FINDINGS, UNUSABLE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Target:
    """Where the server keeps its audit: what `Settings.from_env` says for a data directory."""

    database_url: str
    data_dir: Path
    signing_key: Callable[[], SigningKey]  # the server's key; only its public half is used


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--verifier-key",
        type=Path,
        help="the log's public key (name+id+key); default: derived from the server's key",
    )


def main(argv: list[str], target: Callable[[str], Target]) -> int:
    parser = argparse.ArgumentParser(prog="server.py verify-audit", description=__doc__)
    parser.add_argument("--data-dir", default="./data")
    add_arguments(parser)
    return execute(parser.parse_args(argv), target)


def execute(args: argparse.Namespace, target: Callable[[str], Target]) -> int:
    try:
        where = target(args.data_dir)
        key = (
            parse_verifier_key(args.verifier_key.read_text())
            if args.verifier_key
            else where.signing_key().verifier
        )
    except (OSError, CheckpointError, RuntimeError) as error:
        print(f"verify-audit: {error}", file=sys.stderr)
        return UNUSABLE
    return asyncio.run(run(where.database_url, LogFiles(where.data_dir), key))


async def run(
    database_url: str, files: LogFiles, key: VerifierKey, out: TextIO = sys.stdout
) -> int:
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(database_url))
        report = await verify(files, key, progress_bar(sys.stderr))
    for line in summary(report):
        print(line, file=out)
    return FINDINGS if report.findings else OK


def progress_bar(stream: TextIO, width: int = 30, every: float = 0.5) -> Progress:
    """A one-line bar on `stream`, redrawn at most every `every` seconds and at the end."""
    last = 0.0

    def show(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done < total and now - last < every:
            return
        last = now
        filled = width * done // total if total else width
        end = "\n" if done >= total else ""
        stream.write(
            f"\rverifying [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}{end}"
        )
        stream.flush()

    return show
