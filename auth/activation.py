"""The person's step of identity binding (auth.binding): the activation code sent to the
contact details on record, and a password of their own choosing. Codes are 12 characters
(60 bits) from an alphabet without look-alikes, valid 14 days, usable once, kept only as a
keyed hash, and guessed no faster than passwords (the throttle)."""

from __future__ import annotations

import asyncio
import hmac
import secrets
from datetime import timedelta

from tortoise.transactions import in_transaction

from auth import throttle
from auth.attempt import Attempt
from auth.checks import failed, reserve
from auth.events import Binding, Kind
from auth.passwords import hash_password
from auth.service import check_new_password
from directives.errors import ErrorCode, PrivacyError
from models import Account, AccountBinding, Activation

CODE_LIFETIME = timedelta(days=14)  # long enough for a letter to arrive
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from paper
CODE_LENGTH = 12  # 60 bits, and throttled like a password
WRONG_CODE = "Login ID or activation code is wrong."


def new_code() -> str:
    """As printed: three groups of four, e.g. 'K7QM-2XWD-9HPA'."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def _normalised(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def code_hash(attempt: Attempt, login_id: str, code: str) -> str:
    return attempt.config.box.mac(f"activation/{login_id}/{_normalised(code)}")


def activation_key(attempt: Attempt, login_id: str) -> str:
    return "activate:" + attempt.config.box.mac("throttle/activate/" + login_id.strip().casefold())


async def activate(attempt: Attempt, *, login_id: str, code: str, new_password: str) -> None:
    """The person's step: the code from the message, and a password of its own choosing.
    Throttled like a password; the same error for an unknown login and a wrong code."""
    keys = [activation_key(attempt, login_id), throttle.address_key(attempt.client_address)]
    count = await reserve(attempt, keys)
    login_id = login_id.strip()
    account = await Account.get_or_none(login=login_id)
    binding = await AccountBinding.get_or_none(account_id=account.id) if account else None
    if account is None or binding is None or not _code_matches(attempt, binding, login_id, code):
        raise await failed(
            attempt, count, account, Kind.ACTIVATION_FAILURE, ErrorCode.LOGIN_FAILED, WRONG_CODE
        )
    check_new_password(new_password, login_id)
    password_hash = await asyncio.to_thread(hash_password, new_password)
    async with in_transaction() as conn:
        won = (
            await Account.filter(
                id=account.id, activation=Activation.AWAITING_PERSON, disabled=False
            )
            .using_db(conn)
            .update(
                activation=Activation.ACTIVE,
                password_hash=password_hash,
                password_changed_at=attempt.now,
                must_change_password=False,
            )
        )
        used = (
            await AccountBinding.filter(id=binding.id, code_hash=binding.code_hash)
            .using_db(conn)
            .update(code_hash=None, code_expires_at=None, activated_at=attempt.now)
        )
        if not (won and used):
            raise PrivacyError(ErrorCode.LOGIN_FAILED, WRONG_CODE)
    await throttle.succeeded(reset=keys[0], release=keys[1])
    await attempt.event(Kind.ACCOUNT_ACTIVATED, account, binding=Binding.of(binding))


def _code_matches(attempt: Attempt, binding: AccountBinding, login_id: str, code: str) -> bool:
    if binding.code_hash is None or binding.code_expires_at is None:
        return False
    if binding.code_expires_at <= attempt.now:
        return False
    return hmac.compare_digest(binding.code_hash, code_hash(attempt, login_id, code))
