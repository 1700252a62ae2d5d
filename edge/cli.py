"""The command line: `python server.py <command> [options]`.

`python server.py --demo --data-dir D --port P` (no command) still means `serve`. Each command
is one module in edge/commands with `add_arguments(parser)` and `run(args) -> exit status`;
a new one (`verify-audit`, `purge`) is one more row in COMMANDS.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from edge import environment
from edge.commands import common, create_admin, demo, migrate, purge, serve, verify_audit
from edge.environment import SettingsError


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    help: str
    module: ModuleType

    @property
    def run(self) -> Callable[[argparse.Namespace], int]:
        run: Callable[[argparse.Namespace], int] = self.module.run
        return run


COMMANDS: tuple[Command, ...] = (
    Command("serve", "run the API (the default when no command is given)", serve),
    Command("migrate", "apply pending database migrations and exit", migrate),
    Command("demo", "seed demo data into an empty database and exit", demo),
    Command("create-admin", "create an administrator; prints a one-time code", create_admin),
    Command("verify-audit", "verify the audit log against its signed checkpoints", verify_audit),
    Command("purge", "apply the retention schedule (P7.4); --dry-run lists what is due", purge),
)
DEFAULT = "serve"


def build_parser() -> argparse.ArgumentParser:
    epilog = environment.describe()
    parser = argparse.ArgumentParser(
        prog="server.py",
        description="Privacy-enforcing CRM GraphQL API. Without a command: serve.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="command")
    usages: list[str] = []
    for command in COMMANDS:
        sub = commands.add_parser(
            command.name,
            help=command.help,
            description=command.help,
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        common.add_data_dir(sub)
        command.module.add_arguments(sub)
        usages.append(sub.format_usage().removeprefix("usage: ").strip())
    # The overview lists every command's options too, not only the commands.
    parser.epilog = "commands and their options:\n  " + "\n  ".join(usages) + "\n\n" + epilog
    return parser


def with_default_command(argv: list[str]) -> list[str]:
    """Today's form (`--demo --port P`, or nothing) is `serve`; `-h` stays the overview."""
    names = {command.name for command in COMMANDS}
    if argv and (argv[0] in names or argv[0] in ("-h", "--help")):
        return argv
    return [DEFAULT, *argv]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(with_default_command(sys.argv[1:] if argv is None else argv))
    command = next(c for c in COMMANDS if c.name == args.command)
    os.umask(0o077)  # whatever the server or SQLite creates is readable by this user only
    try:
        return command.run(args)
    except SettingsError as error:
        print(f"{error}", file=sys.stderr)
        return 2
