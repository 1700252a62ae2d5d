"""Four eyes for another account's credentials (auth/resets.py). What must not happen: one
administrator alone resetting anyone (nor the requester approving, nor an account the
requester made), an administrator learning enough to log in as the person (the code goes to
the person; a staff password is split between the two), old sessions or tokens surviving
the reset, a part or a code left readable anywhere."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from pathlib import Path

import pytest

from auth import activation, binding, resets, service
from auth.passwords import hash_password
from auth.sessions import SessionPolicy, open_session
from directives.errors import PrivacyError
from directives.privacy_schema import PrivacySchema
from models import (
    Account,
    AccountBinding,
    ApiToken,
    AuditEntry,
    AuditRequest,
    CredentialReset,
    Customer,
    LoginThrottle,
    RecoveryCode,
    Role,
    SecurityEvent,
    Session,
    Stage,
)
from models.tokens import hash_token
from resolvers.context import build_context
from tests.auth.test_binding import (
    CONFIG,
    PASSWORD,
    admins,
    at,
    delivered_code,
    everything_stored,
    request,
)
from tests.conftest import World, code_of
from tests.mailbox import Mailbox

OLD = "An old password, long enough 1!"


async def _staff(login: str = "support-1", *, totp: bool = True) -> Account:
    account = await Account.create(
        login=login,
        role=Role.SUPPORT,
        password_hash=await asyncio.to_thread(hash_password, OLD),
        totp_secret=CONFIG.box.seal("JBSWY3DPEHPK3PXP") if totp else None,
        totp_confirmed=totp,
    )
    await RecoveryCode.create(account_id=account.id, code_hash=sha256(login.encode()).hexdigest())
    return account


async def _credentials(account: Account) -> str:
    """A session and an API token, both live."""
    await open_session(
        account.id, stage=Stage.FULL, browser=False, policy=SessionPolicy(), now=datetime.now(UTC)
    )
    token = f"token-of-{account.login}-" + "y" * 24
    await ApiToken.create(
        name="t", token_hash=hash_token(token), account_id=account.id, role=account.role.value,
        expires_at=datetime.now(UTC) + timedelta(days=3),
    )  # fmt: skip
    return token


async def _live(account: Account) -> int:
    sessions = await Session.filter(account_id=account.id, revoked_at=None).count()
    tokens = await ApiToken.filter(account_id=account.id, revoked_at=None).count()
    return sessions + tokens


async def test_a_staff_password_is_split_between_the_two_administrators(world: World) -> None:
    first, second = await admins()
    staff = await _staff()
    await _credentials(staff)
    asked = await resets.request(at(), admin=first, login_id=staff.login, second_factor=True)
    assert asked.part is not None and len(asked.part) == resets.PART_LENGTH
    # Nothing changed yet: the old password works, sessions and tokens live.
    await service.login(at(), login_id=staff.login, password=OLD, browser=False)
    assert await _live(staff) >= 2
    # Neither the requester nor an account the requester made can approve.
    with pytest.raises(PrivacyError, match="Another administrator"):
        await resets.approve(at(), admin=first, login_id=staff.login)
    await Account.create(login="puppet", role=Role.ADMIN, created_by=first)
    with pytest.raises(PrivacyError, match="Another administrator"):
        await resets.approve(at(), admin="puppet", login_id=staff.login)
    # Nor can the administrator who made the requester: one person could hold both logins.
    other = await _staff("support-2")
    await resets.request(at(), admin="puppet", login_id=other.login, second_factor=False)
    with pytest.raises(PrivacyError, match="Another administrator"):
        await resets.approve(at(), admin=first, login_id=other.login)
    done = await resets.approve(at(), admin=second, login_id=staff.login)
    assert done.part is not None and done.part != asked.part
    # Each part alone, the old password: refused. Both, in order: a login that must change
    # the password first, and enrol a new second factor (it was reset too).
    for wrong in (OLD, asked.part, done.part, done.part + asked.part):
        with pytest.raises(PrivacyError):
            await service.login(at(), login_id=staff.login, password=wrong, browser=False)
        await LoginThrottle.all().delete()  # the throttle is not what is tested here
    opened = await service.login(
        at(), login_id=staff.login, password=asked.part + done.part, browser=False
    )
    assert opened.session.stage is Stage.PASSWORD_CHANGE
    after = await Account.get(id=staff.id)
    assert (after.totp_secret, after.totp_confirmed, after.must_change_password) == (
        None, False, True
    )  # fmt: skip
    assert not await RecoveryCode.filter(account_id=staff.id).exists()
    assert await _live(staff) == 1  # only the session just opened: the old ones ended
    row = await CredentialReset.get(account_id=staff.id)
    assert (row.open, row.approved_by, row.sealed_part) == (None, second, "")
    stored = await everything_stored() + repr(await CredentialReset.all().values())
    assert asked.part not in stored and done.part not in stored
    kinds = await SecurityEvent.filter(account_id=staff.id).values_list("kind", "actor", "detail")
    assert ("CREDENTIAL_RESET_REQUESTED", first, "SPLIT_PASSWORD:TOTP") in kinds
    assert ("CREDENTIAL_RESET_APPROVED", second, "SPLIT_PASSWORD:TOTP") in kinds
    # Approved once: a second approval finds nothing open.
    with pytest.raises(PrivacyError, match="awaits approval"):
        await resets.approve(at(), admin=second, login_id=staff.login)


async def test_a_persons_login_gets_a_new_code_only_the_person_receives(
    world: World, mailbox: Mailbox, tmp_path: Path
) -> None:
    first, second = await admins()
    customer = await Customer.create(name="木村 花子", email="kimura@mail.example")
    await request(customer, by=first)
    await binding_approved(second)
    code = await delivered_code(mailbox, tmp_path, customer.email)
    await activation.activate(at(), login_id="kimura", code=code, new_password=PASSWORD)
    account = await Account.get(login="kimura")
    token = await _credentials(account)
    asked = await resets.request(at(), admin=second, login_id="kimura", second_factor=False)
    assert asked.part is None  # nothing for staff to hold
    with pytest.raises(PrivacyError, match="Another administrator"):
        await resets.approve(at(), admin=second, login_id="kimura")
    done = await resets.approve(at(), admin=first, login_id="kimura")
    assert done.part is None and done.channel is not None
    # The old password and every old credential stop at once; the person's new code works.
    with pytest.raises(PrivacyError):
        await service.login(at(), login_id="kimura", password=PASSWORD, browser=False)
    assert await _live(account) == 0 and token
    new_code = await delivered_code(mailbox, tmp_path, customer.email)
    assert "reset" in mailbox.last_to(customer.email).get_content()
    stored = await everything_stored()
    assert new_code not in stored and customer.email not in repr(await SecurityEvent.all().values())
    await activation.activate(at(), login_id="kimura", code=new_code, new_password=PASSWORD + "x")
    opened = await service.login(at(), login_id="kimura", password=PASSWORD + "x", browser=False)
    assert opened.session.stage is Stage.FULL
    binding = await AccountBinding.get(account_id=account.id)
    assert binding.code_hash is None  # used once


async def binding_approved(by: str) -> None:
    await binding.approve(at(), admin=by, login_id="kimura")


async def test_one_open_reset_per_account_and_never_ones_own(world: World) -> None:
    first, second = await admins()
    staff = await _staff()
    await resets.request(at(), admin=first, login_id=staff.login, second_factor=False)
    with pytest.raises(PrivacyError) as again:
        await resets.request(at(), admin=second, login_id=staff.login, second_factor=False)
    assert again.value.extensions.get("reason") == "RESET_PENDING"
    with pytest.raises(PrivacyError) as own:
        await resets.request(at(), admin=first, login_id=first, second_factor=True)
    assert own.value.extensions.get("reason") == "OWN_ACCOUNT"
    with pytest.raises(PrivacyError, match="No such account"):
        await resets.request(at(), admin=first, login_id="nobody", second_factor=False)
    # A person's login without an identity binding on record is never given a password
    # that administrators would know: refused.
    with pytest.raises(PrivacyError, match="no identity binding"):
        await resets.request(at(), admin=first, login_id="t-customer", second_factor=False)
    # Two administrators approving at once: one wins, the other finds nothing open.
    third = await Account.create(login="admin-c", role=Role.ADMIN)
    outcomes = await asyncio.gather(
        resets.approve(at(), admin=second, login_id=staff.login),
        resets.approve(at(), admin=third.login, login_id=staff.login),
        return_exceptions=True,
    )
    assert sum(isinstance(o, resets.Reset) for o in outcomes) == 1
    # Closed: the next reset of the same account may be asked.
    await resets.request(at(), admin=second, login_id=staff.login, second_factor=False)


RESET = """mutation R($login: String!) @purpose(code: D) {
  requestCredentialReset(login: $login, secondFactor: true) {
    login method secondFactor requestedBy temporaryPasswordPart } }"""
APPROVE = """mutation A($login: String!) @purpose(code: D) {
  approveCredentialReset(login: $login) {
    login approvedBy temporaryPasswordPart channel } }"""
LIST = """{ credentialResets(pending: true) { totalCount
  nodes { login method requestedBy approvedBy temporaryPasswordPart } } }"""


async def test_through_graphql_admins_act_and_auditors_read_without_the_parts(
    schema: PrivacySchema, world: World
) -> None:
    staff = await _staff(totp=False)
    second = await Account.create(login="t-admin-2", role=Role.ADMIN)
    admin_a, auditor = world.caller(Role.ADMIN), world.caller(Role.AUDITOR)
    support = world.caller(Role.SUPPORT)

    async def run(query: str, caller: object, **variables: object) -> object:
        context = build_context(caller=caller, auth=CONFIG)  # type: ignore[arg-type]
        return await schema.execute(query, variable_values=variables, context_value=context)

    denied = await run(RESET, support, login=staff.login)
    assert [code_of(e) for e in denied.errors or []] == ["FORBIDDEN"]  # type: ignore[attr-defined]
    asked = await run(RESET, admin_a, login=staff.login)
    shown = asked.data["requestCredentialReset"]  # type: ignore[attr-defined]
    assert shown["method"] == "SPLIT_PASSWORD" and len(shown["temporaryPasswordPart"]) == 8
    listed = (await run(LIST, auditor)).data["credentialResets"]  # type: ignore[attr-defined]
    assert listed["totalCount"] == 1
    assert listed["nodes"] == [{
        "login": staff.login, "method": "SPLIT_PASSWORD", "requestedBy": admin_a.login,
        "approvedBy": None, "temporaryPasswordPart": None,
    }]  # fmt: skip
    mine = dict(world.callers)[Role.ADMIN]
    other = type(mine)(
        account_id=second.id, login=second.login, role=Role.ADMIN, customer_id=None,
        agent_id=None, partner=None,
    )  # fmt: skip
    approved = (await run(APPROVE, other, login=staff.login)).data["approveCredentialReset"]  # type: ignore[attr-defined]
    assert approved["approvedBy"] == second.login and len(approved["temporaryPasswordPart"]) == 8
    assert (await run(LIST, auditor)).data["credentialResets"]["totalCount"] == 0  # type: ignore[attr-defined]
    # Nothing of a part in the audit of these operations.
    stored = repr(await AuditRequest.all().values()) + repr(await AuditEntry.all().values())
    assert shown["temporaryPasswordPart"] not in stored
    assert approved["temporaryPasswordPart"] not in stored


async def test_sending_the_new_code_is_an_audited_use_of_the_contact_details(
    schema: PrivacySchema, world: World, mailbox: Mailbox, tmp_path: Path
) -> None:
    first, second = await admins()
    customer = await Customer.create(name="木村 花子", email="kimura@mail.example")
    await request(customer, by=first)
    await binding_approved(second)
    admin_a = world.caller(Role.ADMIN)
    context = build_context(caller=admin_a, auth=CONFIG)
    asked = await schema.execute(RESET, variable_values={"login": "kimura"}, context_value=context)
    assert asked.errors is None and asked.data is not None
    assert asked.data["requestCredentialReset"]["temporaryPasswordPart"] is None
    approver = type(admin_a)(
        account_id=(await Account.get(login=second)).id, login=second, role=Role.ADMIN,
        customer_id=None, agent_id=None, partner=None,
    )  # fmt: skip
    context = build_context(caller=approver, auth=CONFIG)
    done = await schema.execute(APPROVE, variable_values={"login": "kimura"}, context_value=context)
    assert done.errors is None and done.data is not None
    assert done.data["approveCredentialReset"]["channel"] == "EMAIL"
    entry = await AuditEntry.get(request__request_id=context.request_id)
    assert (entry.subject_type, entry.subject_id, entry.fields_decisions) == (
        "Customer", customer.id, "email:DISCLOSE"
    )  # fmt: skip
