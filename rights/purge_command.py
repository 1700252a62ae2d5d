"""`python server.py purge [--dry-run] [--on YYYY-MM-DD]`: the retention purge (P7.4).

The dry run prints what is due and changes nothing; the run applies it, with a progress bar
on standard error, and prints the run id under which `PurgeRecord` lists what was done.
Output names rules, kinds and ids, never a value.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TextIO

from tortoise import Tortoise

from directives.policy_versions import japan_date
from models.db import apply_migrations, tortoise_config
from rights.retention import Due, plan, purge

BAR = 30


def progress_bar(stream: TextIO) -> Callable[[int, int], None]:
    """A callback drawing `[####......] n/total` in place; a newline when complete."""

    def draw(done: int, total: int) -> None:
        filled = BAR * done // total if total else BAR
        stream.write(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total}")
        if done == total:
            stream.write("\n")
        stream.flush()

    return draw


def describe(items: list[Due], out: TextIO) -> None:
    for item in items:
        hold = f"  HELD ({item.hold.value})" if item.hold else ""
        out.write(
            f"{item.rule.value:<16} {item.subject_type} {item.subject_id}"
            f"  due {item.due_on.isoformat()}{hold}\n"
        )
    counts = Counter(item.rule.value for item in items if not item.held)
    summary = ", ".join(f"{rule}: {n}" for rule, n in sorted(counts.items())) or "nothing"
    out.write(f"due: {summary}; held: {sum(item.held for item in items)}\n")


async def run(database_url: str, *, on: date, dry_run: bool, out: TextIO, err: TextIO) -> None:
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        await apply_migrations()
        if dry_run:
            describe(await plan(on), out)
            out.write("dry run: nothing changed\n")
            return
        result = await purge(on, datetime.now(UTC), progress=progress_bar(err))
        describe([*result.done, *result.held], out)
        out.write(f"purged {len(result.done)} item(s); run {result.run_id}\n")
    finally:
        await Tortoise.close_connections()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="list what is due, change nothing")
    parser.add_argument(
        "--on",
        type=date.fromisoformat,
        default=None,
        help="the date to purge as of (default: today in Japan); never later than today",
    )


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="server.py purge", description=__doc__)
    parser.add_argument("--data-dir", default="./data")
    add_arguments(parser)
    return checked(parser, parser.parse_args(argv))


def checked(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.Namespace:
    try:
        args.on = as_of(args.on)
    except ValueError as error:
        parser.exit(2, f"{error}\n")
    return args


def as_of(on: date | None) -> date:
    """`--on` defaults to today in Japan and may not be later."""
    today = japan_date(datetime.now(UTC))
    if on is None:
        return today
    if on > today:
        raise ValueError("--on may not be in the future: nothing is purged early.")
    return on
