"""Binding a login to an existing person (a customer or an agent) is identity proofing.

An administrator requests it (`createAccount` with a customer or agent): the login exists but
has no password and can do nothing. A second administrator approves it (four eyes: never the
requester, nor an account the requester created): an activation code then goes to the contact
details on record - e-mail, or a letter queued for post - through the notification outbox.
Nobody on the staff sees the code. The person activates the login with it and chooses its own
password; only then can it log in. Each step is a security event naming the role, the person,
the requester and the approver. P7.1: one user ID per customer (and per agent), a unique
column; everyone else acts through the holder (P7.2 contacts).
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth import throttle
from auth.attempt import Attempt
from auth.checks import failed, reserve
from auth.events import Binding, Kind
from auth.passwords import hash_password
from auth.service import check_new_password
from directives.errors import ErrorCode, PrivacyError
from models import Account, AccountBinding, Activation, Agent, BindingMethod, Channel, Customer
from models import Role as AccountRole
from notify.outbox import Recipient, enqueue
from notify.templates import MessageKind

CODE_LIFETIME = timedelta(days=14)  # long enough for a letter to arrive
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from paper
CODE_LENGTH = 12  # 60 bits, and throttled like a password
TAKEN = "That login ID is taken, or this person already has a user ID (P7.1)."
WRONG_CODE = "Login ID or activation code is wrong."


@dataclass(frozen=True, slots=True)
class Person:
    kind: str  # 'customer' | 'agent'
    id: int

    @property
    def column(self) -> str:
        return f"{self.kind}_id"


def person_of(role: AccountRole, customer_id: int | None, agent_id: int | None) -> Person | None:
    """The person a new login of `role` would act as; None for staff."""
    if role is AccountRole.CUSTOMER and customer_id is not None:
        return Person("customer", customer_id)
    if role is AccountRole.AGENT and agent_id is not None:
        return Person("agent", agent_id)
    return None


def facts(row: AccountBinding) -> Binding:
    return Binding(
        role=row.role,
        subject=f"{row.subject_type}:{row.subject_id}",
        requested_by=row.requested_by,
        approved_by=row.approved_by,
    )


async def request(
    attempt: Attempt, *, admin: str, login_id: str, role: AccountRole, person: Person
) -> Account:
    """A login for `person` that can do nothing until approved and activated."""
    model = Customer if person.kind == "customer" else Agent
    if not await model.exists(id=person.id):
        raise PrivacyError(ErrorCode.NOT_FOUND, f"No such {person.kind}.")
    if await Account.filter(**{person.column: person.id}).exists():
        raise PrivacyError(ErrorCode.BAD_INPUT, TAKEN)
    try:
        async with in_transaction():
            account = await Account.create(
                login=login_id,
                role=role,
                customer_id=person.id if person.kind == "customer" else None,
                agent_id=person.id if person.kind == "agent" else None,
                activation=Activation.AWAITING_APPROVAL,
                created_by=admin,
            )
            binding = await AccountBinding.create(
                account_id=account.id,
                role=role.value,
                subject_type=person.kind,
                subject_id=person.id,
                method=BindingMethod.ACTIVATION_CODE,
                requested_by=admin,
                requested_at=attempt.now,
            )
    except IntegrityError:  # a concurrent request for the same login ID or person
        raise PrivacyError(ErrorCode.BAD_INPUT, TAKEN) from None
    await attempt.event(
        Kind.BINDING_REQUESTED, account, detail=login_id, actor=admin, binding=facts(binding)
    )
    return account


async def created_through(login: str, ancestor: str, *, limit: int = 32) -> bool:
    """Whether `ancestor` created `login`, directly or through accounts it created."""
    current: str | None = login
    for _ in range(limit):
        row = await Account.get_or_none(login=current)
        current = row.created_by if row else None
        if current is None:
            return False
        if current == ancestor:
            return True
    return True  # a chain this long is not a second pair of eyes


async def approve(attempt: Attempt, *, admin: str, login_id: str) -> AccountBinding:
    """Four eyes, then the activation code to the person's contact details on record. Again
    after the code expired: a new code (the old one stops working)."""
    account = await Account.get_or_none(login=login_id)
    binding = await AccountBinding.get_or_none(account_id=account.id) if account else None
    if account is None or binding is None or binding.method is not BindingMethod.ACTIVATION_CODE:
        raise PrivacyError(ErrorCode.NOT_FOUND, "No identity binding awaits approval here.")
    if admin == binding.requested_by or await created_through(admin, binding.requested_by):
        raise PrivacyError(
            ErrorCode.FORBIDDEN, "Another administrator than the requester must approve."
        )
    _check_approvable(attempt, account, binding)
    recipient = await _contact_on_record(binding)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires = attempt.now + CODE_LIFETIME
    async with in_transaction() as conn:
        message = await enqueue(
            attempt.config.box,
            recipient,
            MessageKind.ACCOUNT_ACTIVATION,
            {"login": login_id, "code": _spaced(code), "expires": f"{expires:%Y-%m-%d %H:%M}"},
            now=attempt.now,
            using_db=conn,
        )
        changed = {
            "approved_by": admin,
            "approved_at": attempt.now,
            "channel": recipient.channel,
            "code_hash": _code_hash(attempt, login_id, code),
            "code_expires_at": expires,
            "notification_id": message,
        }
        await AccountBinding.filter(id=binding.id).using_db(conn).update(**changed)
        await (
            Account.filter(id=account.id)
            .using_db(conn)
            .update(activation=Activation.AWAITING_PERSON)
        )
    binding.update_from_dict(changed)
    await attempt.event(
        Kind.BINDING_APPROVED, account, detail=recipient.channel.value, actor=admin,
        binding=facts(binding),
    )  # fmt: skip
    return binding


def _check_approvable(attempt: Attempt, account: Account, binding: AccountBinding) -> None:
    if account.activation is Activation.ACTIVE:
        raise PrivacyError(ErrorCode.BAD_INPUT, "This login is already active.")
    if binding.code_expires_at is not None and binding.code_expires_at > attempt.now:
        raise PrivacyError(ErrorCode.BAD_INPUT, "A code was sent and is still valid.")


async def _contact_on_record(binding: AccountBinding) -> Recipient:
    """E-mail where the person has an address on record, else a letter to the postal address.
    The address goes sealed into the outbox; it is never returned or logged."""
    person: Customer | Agent | None
    if binding.subject_type == "customer":
        person = await Customer.get_or_none(id=binding.subject_id)
    else:
        person = await Agent.get_or_none(id=binding.subject_id)
    if person is None:
        raise PrivacyError(ErrorCode.NOT_FOUND, "The person is no longer on record.")
    kind, subject_id = binding.subject_type, binding.subject_id
    if person.email:
        return Recipient(kind, subject_id, Channel.EMAIL, person.email)
    if isinstance(person, Customer) and person.address:
        letter = f"{person.name}\n〒{person.postal_code}\n{person.address}"
        return Recipient(kind, subject_id, Channel.POST, letter)
    raise PrivacyError(ErrorCode.BAD_INPUT, "No e-mail or postal address is on record.")


def _spaced(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _normalised(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def _code_hash(attempt: Attempt, login_id: str, code: str) -> str:
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
    await attempt.event(Kind.ACCOUNT_ACTIVATED, account, binding=facts(binding))


def _code_matches(attempt: Attempt, binding: AccountBinding, login_id: str, code: str) -> bool:
    if binding.code_hash is None or binding.code_expires_at is None:
        return False
    if binding.code_expires_at <= attempt.now:
        return False
    return hmac.compare_digest(binding.code_hash, _code_hash(attempt, login_id, code))
