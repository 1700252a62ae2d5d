"""Four eyes for another account's credentials (ASVS 6.4: recovery; separation of duties):
one administrator asks to reset a login's password (and, if asked, its second factor),
another approves. Neither can become that person:

- A login bound to a person (customer, agent) is proofed again the way it was bound
  (auth.binding): on approval a new activation code goes to the contact details on record
  through the outbox, the login stops working until the person activates it with the code and
  a password of its own (auth.activation). Nobody on the staff sees the code.
- A staff login gets a temporary password in two parts, one shown once to each administrator
  (split knowledge): the requester's part at the request (kept sealed until the approval,
  then erased), the approver's at the approval. The staff member needs both, and must change
  it at the first login; with the second factor reset, it enrols a new one there.

On approval every session and API token of the account ends. An administrator's own
credentials are not reset this way (they have their own, proven, paths). Each step is a
security event naming both administrators."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth import binding
from auth.activation import CODE_ALPHABET, CODE_LIFETIME, code_hash, new_code
from auth.attempt import Attempt
from auth.enrolment import forget_second_factor
from auth.events import Binding, Kind
from auth.passwords import hash_password
from auth.sessions import revoke_credentials
from directives.errors import ErrorCode, PrivacyError
from directives.reasons import ReasonCode, refused
from models import Account, AccountBinding, Activation, CredentialReset, ResetMethod
from models.binding import Channel
from notify.outbox import enqueue
from notify.templates import MessageKind

PART_LENGTH = 8  # per administrator: 40 bits each, 80 together, from the code alphabet
PENDING = "A reset of this account already waits for another administrator's approval."
NOTHING_OPEN = "No reset of this account awaits approval."


@dataclass(frozen=True, slots=True)
class Reset:
    row: CredentialReset
    login: str
    part: str | None = None  # this administrator's part of a temporary password, shown once
    channel: Channel | None = None  # where the activation code went


def new_part() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(PART_LENGTH))


async def _account(login_id: str) -> Account:
    account = await Account.get_or_none(login=login_id)
    if account is None:
        raise PrivacyError(ErrorCode.NOT_FOUND, "No such account.")
    return account


async def _person_binding(account: Account) -> AccountBinding | None:
    if account.customer_id is None and account.agent_id is None:
        return None
    return await AccountBinding.get_or_none(account_id=account.id)


async def request(attempt: Attempt, *, admin: str, login_id: str, second_factor: bool) -> Reset:
    """The first administrator's step. Nothing changes for the account yet."""
    account = await _account(login_id)
    if account.login == admin:
        raise refused(
            ReasonCode.OWN_ACCOUNT,
            "Your own credentials: change them yourself (password, two-factor reset).",
            fields=["login"],
        )
    staff = account.customer_id is None and account.agent_id is None
    if not staff and await _person_binding(account) is None:
        raise PrivacyError(ErrorCode.NOT_FOUND, "This login has no identity binding on record.")
    method = ResetMethod.SPLIT_PASSWORD if staff else ResetMethod.ACTIVATION_CODE
    part = new_part() if staff else None
    try:
        row = await CredentialReset.create(
            account_id=account.id,
            method=method,
            second_factor=second_factor,
            requested_by=admin,
            requested_at=attempt.now,
            sealed_part=attempt.config.box.seal(part) if part else "",
        )
    except IntegrityError:  # one open reset per account (unique (account_id, open))
        raise refused(ReasonCode.RESET_PENDING, PENDING, fields=["login"]) from None
    await attempt.event(Kind.CREDENTIAL_RESET_REQUESTED, account, detail=_detail(row), actor=admin)
    return Reset(row, account.login, part=part)


async def approve(attempt: Attempt, *, admin: str, login_id: str) -> Reset:
    """The second administrator's step: the reset happens."""
    account = await _account(login_id)
    row = await CredentialReset.get_or_none(account_id=account.id, open=True)
    if row is None:
        raise PrivacyError(ErrorCode.NOT_FOUND, NOTHING_OPEN)
    if admin in (row.requested_by, account.login) or await _one_made_the_other(
        admin, row.requested_by
    ):
        raise PrivacyError(
            ErrorCode.FORBIDDEN, "Another administrator than the requester must approve."
        )
    person = await _person_binding(account)
    if row.method is ResetMethod.SPLIT_PASSWORD:
        done = await _split_password(attempt, admin, account, row)
    elif person is not None:
        done = await _send_new_code(attempt, admin, account, row, person)
    else:  # never split a person's password between administrators
        raise PrivacyError(ErrorCode.NOT_FOUND, "This login has no identity binding on record.")
    await attempt.event(
        Kind.CREDENTIAL_RESET_APPROVED,
        account,
        detail=_detail(done.row),
        actor=admin,
        binding=Binding.of(person) if person is not None else None,
    )
    return done


async def _one_made_the_other(approver: str, requester: str) -> bool:
    """Either administrator created the other (directly or through accounts it created): one
    person could hold both logins, and with them both parts of a staff password."""
    return await binding.created_through(approver, requester) or await binding.created_through(
        requester, approver
    )


async def _split_password(
    attempt: Attempt, admin: str, account: Account, row: CredentialReset
) -> Reset:
    mine = new_part()
    theirs = attempt.config.box.open(row.sealed_part)
    password_hash = await asyncio.to_thread(hash_password, theirs + mine)
    async with in_transaction():
        await _reset_account(
            attempt, admin, account, row,
            password_hash=password_hash, password_changed_at=attempt.now,
            must_change_password=True,
        )  # fmt: skip
    return Reset(row, account.login, part=mine)


async def _send_new_code(
    attempt: Attempt, admin: str, account: Account, row: CredentialReset, person: AccountBinding
) -> Reset:
    """As an approved binding: a new code to the contact details on record; the login waits
    for the person (the old password no longer works)."""
    recipient = await binding.contact_on_record(person)
    code = new_code()
    expires = attempt.now + CODE_LIFETIME
    async with in_transaction() as conn:
        await _reset_account(
            attempt, admin, account, row,
            activation=Activation.AWAITING_PERSON, password_hash=None, must_change_password=False,
        )  # fmt: skip
        message = await enqueue(
            attempt.config.box,
            recipient,
            MessageKind.CREDENTIAL_RESET,
            {"login": account.login, "code": code, "expires": f"{expires:%Y-%m-%d %H:%M}"},
            now=attempt.now,
            using_db=conn,
        )
        await (
            AccountBinding.filter(id=person.id)
            .using_db(conn)
            .update(
                channel=recipient.channel,
                code_hash=code_hash(attempt, account.login, code),
                code_expires_at=expires,
                notification_id=message,
            )
        )
    return Reset(row, account.login, channel=recipient.channel)


async def _reset_account(
    attempt: Attempt, admin: str, account: Account, row: CredentialReset, **changes: object
) -> None:
    """Inside the approval's transaction: the open reset closed once (a concurrent approval
    finds it closed and changes nothing), the account changed, its second factor gone if
    asked, every session and API token ended."""
    closed = await CredentialReset.filter(id=row.id, open=True).update(
        open=None, approved_by=admin, approved_at=attempt.now, sealed_part=""
    )
    if not closed:
        raise PrivacyError(ErrorCode.NOT_FOUND, NOTHING_OPEN)
    row.open, row.approved_by, row.approved_at, row.sealed_part = None, admin, attempt.now, ""
    await Account.filter(id=account.id).update(**changes)
    if row.second_factor:
        await forget_second_factor(account.id)
    await revoke_credentials(account.id, attempt.now)


def _detail(row: CredentialReset) -> str:
    return f"{row.method.value}{':TOTP' if row.second_factor else ''}"
