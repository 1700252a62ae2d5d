"""The login flow at the service level, where time can be set: throttling, timeouts, stages,
once-only TOTP steps (also under concurrency)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from tortoise.context import TortoiseContext
from tortoise.exceptions import IntegrityError

from auth import admin, enrolment, service, throttle
from auth.callers import from_bearer
from auth.passwords import hash_password
from auth.secrets_box import SecretBox
from auth.service import Attempt, AuthConfig, next_stage
from auth.sessions import SessionPolicy, find_session, open_session
from directives.errors import PrivacyError
from models import (
    Account,
    ApiToken,
    LoginThrottle,
    RecoveryCode,
    Role,
    SecurityEvent,
    Session,
    Stage,
)

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
CONFIG = AuthConfig(box=SecretBox("a test deployment secret, 32+ characters"))
PASSWORD = "correct horse battery staple"


def at(moment: datetime, address: str = "192.0.2.1") -> Attempt:
    return Attempt(config=CONFIG, client_address=address, now=moment)


async def _account(login: str, role: Role = Role.SUPPORT, *, totp: str | None = None) -> Account:
    return await Account.create(
        login=login,
        role=role,
        password_hash=hash_password(PASSWORD),
        totp_secret=CONFIG.box.seal(totp) if totp else None,
        totp_confirmed=totp is not None,
    )


async def _fail(moment: datetime, login: str = "sato", address: str = "192.0.2.1") -> str:
    with pytest.raises(PrivacyError) as refused:
        await service.login(
            at(moment, address), login_id=login, password="wrong password!", browser=False
        )
    return refused.value.code.value


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (2, 0), (3, 1), (4, 2), (5, 4), (9, 64), (10, 900), (25, 900)],
)
def test_delays_grow_then_lock(failures: int, seconds: int) -> None:
    assert throttle.block_for(failures) == timedelta(seconds=seconds)


@pytest.mark.parametrize("login", ["sato", "nobody-here"])
async def test_throttle_is_the_same_for_known_and_unknown_ids(
    db: TortoiseContext, login: str
) -> None:
    await _account("sato")
    codes = [await _fail(T0 + timedelta(seconds=i * 100), login) for i in range(3)]
    assert codes == ["LOGIN_FAILED"] * 3
    moment = T0 + timedelta(seconds=300)
    assert await _fail(moment, login) == "LOGIN_FAILED"  # the 4th failure: now 1 s to wait
    assert await _fail(moment, login) == "LOGIN_THROTTLED"  # refused, and not counted
    for _ in range(6):  # failures 5..10, each after its delay
        moment += timedelta(seconds=100)
        assert await _fail(moment, login) == "LOGIN_FAILED"
    with pytest.raises(PrivacyError) as locked:  # the right password is refused while locked
        await service.login(
            at(moment + timedelta(minutes=14)), login_id=login, password=PASSWORD, browser=False
        )
    assert locked.value.code.value == "LOGIN_THROTTLED"
    retry = locked.value.extensions["retryAfter"]
    assert isinstance(retry, int) and 0 < retry <= 60
    kinds = await SecurityEvent.filter(kind="LOCKOUT").count()
    assert kinds >= 1


async def test_success_after_the_delay_resets_the_id_but_not_the_address(
    db: TortoiseContext,
) -> None:
    await _account("sato")
    for i in range(5):
        await _fail(T0 + timedelta(seconds=i * 100), "sato", "198.51.100.9")
    later = T0 + timedelta(seconds=500)  # within the quiet window: the address remembers
    opened = await service.login(
        at(later, "198.51.100.9"), login_id="sato", password=PASSWORD, browser=False
    )
    assert opened.session.stage is Stage.TOTP_ENROLMENT  # staff without TOTP must enrol
    # Guessing other IDs from the same address keeps paying the address's delay.
    after = later + timedelta(seconds=10)
    assert await _fail(after, "other-id", "198.51.100.9") == "LOGIN_FAILED"
    assert await _fail(after, "third-id", "198.51.100.9") == "LOGIN_THROTTLED"


async def test_failures_are_forgotten_after_a_quiet_quarter_hour(db: TortoiseContext) -> None:
    await _account("sato")
    for i in range(9):
        await _fail(T0 + timedelta(seconds=i * 100), "sato")
    quiet = T0 + timedelta(seconds=800) + throttle.QUIET + timedelta(seconds=1)
    assert await _fail(quiet, "sato") == "LOGIN_FAILED"  # counted as the first again
    row = await LoginThrottle.get(key=throttle.login_key(CONFIG.box, "sato"))
    assert row.failures == 1 and row.blocked_until is None


async def test_concurrent_guesses_cannot_outrun_the_throttle(db: TortoiseContext) -> None:
    """Each guess is counted before it is checked: 20 at once pass at most the free ones."""
    await _account("sato")
    results = await asyncio.gather(*(_fail(T0, "sato") for _ in range(20)), return_exceptions=True)
    assert results.count("LOGIN_FAILED") == throttle.FREE_FAILURES
    assert results.count("LOGIN_THROTTLED") == 20 - throttle.FREE_FAILURES


async def test_a_throttle_row_deleted_between_conflict_and_lock_is_made_again(
    db: TortoiseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PostgreSQL race CI once hit: our insert conflicts with a concurrent one, whose
    success then resets (deletes) the row before we lock it. Counting still happens."""
    real_create = LoginThrottle.create
    conflicts = 0

    async def conflicting(**fields: Any) -> LoginThrottle:
        nonlocal conflicts
        if conflicts == 0:  # the other request's row: made, then deleted by its success
            conflicts += 1
            await real_create(**fields)
            await LoginThrottle.filter(key=fields["key"]).delete()
            raise IntegrityError("duplicate key value violates unique constraint")
        return await real_create(**fields)

    monkeypatch.setattr(LoginThrottle, "create", conflicting)
    count = await throttle.reserve([throttle.totp_key(7)], T0)
    assert conflicts == 1 and count == 1
    assert (await LoginThrottle.get(key=throttle.totp_key(7))).failures == 1


@pytest.mark.parametrize(
    ("role", "totp", "must_change", "totp_done", "stage"),
    [
        (Role.CUSTOMER, False, False, False, Stage.FULL),
        (Role.CUSTOMER, True, False, False, Stage.PENDING_TOTP),
        (Role.CUSTOMER, True, False, True, Stage.FULL),
        (Role.AGENT, False, False, False, Stage.TOTP_ENROLMENT),
        (Role.ADMIN, True, False, False, Stage.PENDING_TOTP),
        (Role.ADMIN, True, True, True, Stage.PASSWORD_CHANGE),
        (Role.AUDITOR, False, True, False, Stage.PASSWORD_CHANGE),
        (Role.AUDITOR, True, False, True, Stage.FULL),
    ],
)
def test_stages(role: Role, totp: bool, must_change: bool, totp_done: bool, stage: Stage) -> None:
    account = Account(login="x", role=role, totp_confirmed=totp, must_change_password=must_change)
    assert next_stage(account, totp_done=totp_done) is stage


async def test_each_code_is_accepted_once(db: TortoiseContext) -> None:
    secret = pyotp.random_base32()
    await _account("sato", totp=secret)
    code = pyotp.TOTP(secret).at(T0)
    first = await service.login(at(T0), login_id="sato", password=PASSWORD, browser=False)
    full = await service.verify_totp(at(T0), first.session, code=code, recovery_code=None)
    assert full.session.stage is Stage.FULL and full.token != first.token
    second = await service.login(at(T0), login_id="sato", password=PASSWORD, browser=False)
    with pytest.raises(PrivacyError) as replay:
        await service.verify_totp(at(T0), second.session, code=code, recovery_code=None)
    assert replay.value.code.value == "TOTP_INVALID"
    assert await SecurityEvent.filter(kind="TOTP_REPLAY").count() == 1
    # An older step (still inside the window) is refused too once a newer one was used.
    older = pyotp.TOTP(secret).at(T0 - timedelta(seconds=30))
    with pytest.raises(PrivacyError):
        await service.verify_totp(at(T0), second.session, code=older, recovery_code=None)


async def test_concurrent_replay_lets_exactly_one_through(db: TortoiseContext) -> None:
    secret = pyotp.random_base32()
    await _account("sato", totp=secret)
    code = pyotp.TOTP(secret).at(T0)
    pending = [
        await service.login(at(T0), login_id="sato", password=PASSWORD, browser=False)
        for _ in range(2)
    ]
    results = await asyncio.gather(
        *(service.verify_totp(at(T0), p.session, code=code, recovery_code=None) for p in pending),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert [r.code.value for r in results if isinstance(r, PrivacyError)] == ["TOTP_INVALID"]


POLICY = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=12))


async def test_idle_and_absolute_timeouts(db: TortoiseContext) -> None:
    account = await _account("sato", Role.CUSTOMER)
    opened = await open_session(account.id, stage=Stage.FULL, browser=False, policy=POLICY, now=T0)
    assert await find_session(opened.token, policy=POLICY, now=T0 + timedelta(minutes=29))
    # Used at 29 min, so alive at 58; idle for 30 min after that, it is gone.
    assert await find_session(opened.token, policy=POLICY, now=T0 + timedelta(minutes=58))
    assert not await find_session(opened.token, policy=POLICY, now=T0 + timedelta(minutes=89))
    busy = await open_session(account.id, stage=Stage.FULL, browser=False, policy=POLICY, now=T0)
    moment = T0
    while moment + timedelta(minutes=20) < T0 + timedelta(hours=12):
        moment += timedelta(minutes=20)
        assert await find_session(busy.token, policy=POLICY, now=moment)
    assert not await find_session(busy.token, policy=POLICY, now=T0 + timedelta(hours=12))


async def test_unfinished_logins_expire_in_minutes(db: TortoiseContext) -> None:
    account = await _account("sato")
    opened = await open_session(
        account.id, stage=Stage.PENDING_TOTP, browser=False, policy=POLICY, now=T0
    )
    assert await find_session(opened.token, policy=POLICY, now=T0 + timedelta(minutes=4))
    assert not await find_session(opened.token, policy=POLICY, now=T0 + timedelta(minutes=6))


async def test_tokens_are_stored_hashed(db: TortoiseContext) -> None:
    account = await _account("sato", Role.CUSTOMER)
    opened = await open_session(account.id, stage=Stage.FULL, browser=True, policy=POLICY, now=T0)
    row = await Session.get(id=opened.session.id)
    assert opened.token not in (row.token_hash, row.csrf_hash)
    assert len(opened.token) >= 43  # 256 bits, URL-safe base64


async def test_password_change_ends_other_sessions(db: TortoiseContext) -> None:
    account = await _account("sato", Role.CUSTOMER)
    one = await service.login(at(T0), login_id="sato", password=PASSWORD, browser=False)
    two = await service.login(at(T0), login_id="sato", password=PASSWORD, browser=False)
    with pytest.raises(PrivacyError) as weak:
        await service.change_password(at(T0), one.session, current=PASSWORD, new="dragon99")
    assert weak.value.extensions["problems"] == ["TOO_SHORT", "COMMON"]
    assert "dragon99" not in f"{weak.value} {weak.value.extensions}"
    with pytest.raises(PrivacyError) as wrong:
        await service.change_password(
            at(T0), one.session, current="not it at all", new="a brand new passphrase"
        )
    assert wrong.value.code.value == "LOGIN_FAILED"
    await service.change_password(
        at(T0), one.session, current=PASSWORD, new="a brand new passphrase"
    )
    assert await find_session(one.token, policy=POLICY, now=T0)
    assert not await find_session(two.token, policy=POLICY, now=T0)
    refreshed = await Account.get(id=account.id)
    assert refreshed.password_changed_at == T0


async def test_totp_secret_is_encrypted_at_rest(db: TortoiseContext) -> None:
    account = await _account("sato", Role.CUSTOMER)
    session = await open_session(account.id, stage=Stage.FULL, browser=False, policy=POLICY, now=T0)
    with pytest.raises(PrivacyError) as no_password:  # a stolen session alone is not enough
        await enrolment.begin_enrolment(at(T0), session.session, password="guess guess guess")
    assert no_password.value.code.value == "LOGIN_FAILED"
    started = await enrolment.begin_enrolment(at(T0), session.session, password=PASSWORD)
    secret = started.uri.split("secret=")[1].split("&")[0]
    stored = await Account.get(id=account.id)
    assert stored.totp_secret and secret not in stored.totp_secret
    assert CONFIG.box.open(stored.totp_secret) == secret


async def test_admin_actions_name_the_administrator(db: TortoiseContext) -> None:
    await _account("sato", Role.CUSTOMER)
    await admin.set_disabled(at(T0), admin="chief-admin", login_id="sato", disabled=True)
    await admin.flag_compromised(at(T0), admin="chief-admin", login_id="sato")
    events = await SecurityEvent.filter(kind__in=["ACCOUNT_DISABLED", "COMPROMISE_FLAGGED"])
    assert {(e.actor, e.detail) for e in events} == {("chief-admin", "sato")}


async def test_disabling_ends_sessions_and_api_tokens(db: TortoiseContext) -> None:
    account = await _account("sato", Role.CUSTOMER)
    opened = await service.login(at(T0), login_id="sato", password=PASSWORD, browser=False)
    token = await admin.create_api_token(at(T0), account, "sync", password=PASSWORD, code=None)
    await admin.set_disabled(at(T0), admin="chief-admin", login_id="sato", disabled=True)
    await admin.set_disabled(at(T0), admin="chief-admin", login_id="sato", disabled=False)
    assert not await find_session(opened.token, policy=POLICY, now=T0)
    assert await ApiToken.filter(revoked_at=None).count() == 0
    assert token  # shown once, and now dead even after re-enabling


async def test_a_login_step_advances_once_under_concurrency(db: TortoiseContext) -> None:
    secret = pyotp.random_base32()
    await _account("sato", totp=secret)
    pending = await service.login(at(T0), login_id="sato", password=PASSWORD, browser=False)
    await Account.filter(login="sato").update(must_change_password=True)
    codes = await RecoveryCode.all().count()
    assert codes == 0
    results = await asyncio.gather(
        service.verify_totp(
            at(T0), pending.session, code=pyotp.TOTP(secret).at(T0), recovery_code=None
        ),
        service.verify_totp(
            at(T0),
            pending.session,
            code=pyotp.TOTP(secret).at(T0 + timedelta(seconds=30)),
            recovery_code=None,
        ),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1
    assert await Session.filter(revoked_at=None).count() == 1


async def test_api_tokens_expire(db: TortoiseContext) -> None:
    account = await _account("sato", Role.CUSTOMER)
    token = await admin.create_api_token(
        at(T0), account, "sync", password=PASSWORD, code=None, days=30
    )
    alive = await from_bearer(token, policy=POLICY, now=T0 + timedelta(days=29))
    assert alive is not None and alive.caller.login == "sato"
    assert await from_bearer(token, policy=POLICY, now=T0 + timedelta(days=30)) is None
    with pytest.raises(PrivacyError) as too_long:
        await admin.create_api_token(
            at(T0), account, "forever", password=PASSWORD, code=None, days=3650
        )
    assert too_long.value.code.value == "BAD_INPUT"
