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

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.activation import CODE_LIFETIME, code_hash, new_code
from auth.attempt import Attempt
from auth.events import Binding, Kind
from directives.errors import ErrorCode, PrivacyError
from directives.reasons import ReasonCode, refused
from models import Account, AccountBinding, Activation, Agent, BindingMethod, Channel, Customer
from models import Role as AccountRole
from notify.outbox import Recipient, enqueue
from notify.templates import MessageKind

TAKEN = "That login ID is taken, or this person already has a user ID (P7.1)."


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


async def request(
    attempt: Attempt, *, admin: str, login_id: str, role: AccountRole, person: Person
) -> Account:
    """A login for `person` that can do nothing until approved and activated."""
    model = Customer if person.kind == "customer" else Agent
    if not await model.exists(id=person.id):
        raise PrivacyError(ErrorCode.NOT_FOUND, f"No such {person.kind}.")
    if await Account.filter(**{person.column: person.id}).exists():
        raise refused(ReasonCode.LOGIN_TAKEN, TAKEN, fields=["login"])
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
        raise refused(ReasonCode.LOGIN_TAKEN, TAKEN, fields=["login"]) from None
    await attempt.event(
        Kind.BINDING_REQUESTED, account, detail=login_id, actor=admin, binding=Binding.of(binding)
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
    recipient = await contact_on_record(binding)
    code = new_code()
    expires = attempt.now + CODE_LIFETIME
    async with in_transaction() as conn:
        message = await enqueue(
            attempt.config.box,
            recipient,
            MessageKind.ACCOUNT_ACTIVATION,
            {"login": login_id, "code": code, "expires": f"{expires:%Y-%m-%d %H:%M}"},
            now=attempt.now,
            using_db=conn,
        )
        changed = {
            "approved_by": admin,
            "approved_at": attempt.now,
            "channel": recipient.channel,
            "code_hash": code_hash(attempt, login_id, code),
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
        binding=Binding.of(binding),
    )  # fmt: skip
    return binding


def _check_approvable(attempt: Attempt, account: Account, binding: AccountBinding) -> None:
    if account.activation is Activation.ACTIVE:
        raise refused(ReasonCode.ALREADY_ACTIVE, "This login is already active.")
    if binding.code_expires_at is not None and binding.code_expires_at > attempt.now:
        raise refused(ReasonCode.CODE_STILL_VALID, "A code was sent and is still valid.")


async def contact_on_record(binding: AccountBinding) -> Recipient:
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
    raise refused(ReasonCode.NO_ADDRESS, "No e-mail or postal address is on record.")
