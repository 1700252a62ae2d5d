"""`create-admin`: the first administrator of a production install (or another one).

Prints a one-time enrolment code once: the account's first password, stored only hashed, which
must be replaced at first login (stage PASSWORD_CHANGE), followed by TOTP enrolment. Nothing
else shows it again; lose it and run the command for another login.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from auth.admin import create_account
from auth.attempt import Attempt
from directives.errors import PrivacyError
from edge.commands.common import database
from edge.settings import Settings
from edge.startup import prepare
from models import Role

ACTOR = "(command line)"  # the security event names who created the account


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--login", required=True, help="the new administrator's login ID")


async def _create(settings: Settings, login: str) -> str:
    auth = settings.auth_config()
    async with database(settings):
        await prepare(settings, auth.box)  # an empty database is migrated first
        attempt = Attempt(config=auth, client_address=None)
        code = await create_account(
            attempt, admin=ACTOR, login_id=login, role=Role.ADMIN, customer_id=None, agent_id=None
        )
    if code is None:  # only people bound to a customer or agent get no first password
        raise RuntimeError("an administrator account was created without a first password")
    return code


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env(data_dir=args.data_dir, demo=False)
    try:
        code = asyncio.run(_create(settings, args.login))
    except PrivacyError as refused:
        print(f"refused: {refused.message}", file=sys.stderr)
        return 1
    print(f"Administrator {args.login!r} created.")
    print(f"One-time enrolment code (shown once; log in with it, then set a password): {code}")
    return 0
