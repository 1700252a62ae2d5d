"""`me`: the purposes the caller may declare (the enforcement's own table), its own name for
a page's header (P7.1 for a customer; never before the login is finished), and when its
session ends."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from auth.sessions import SessionPolicy, ends_at
from directives.policy import DECLARABLE
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import Session, Stage
from resolvers.context import build_context
from tests.conftest import World, run


@pytest.mark.parametrize("role", list(Role))
async def test_declarable_purposes_are_the_enforcements_table(
    schema: PrivacySchema, world: World, role: Role
) -> None:
    result, _ = await run(schema, "{ me { declarablePurposes { code } } }", world.caller(role))
    assert result.errors is None, result.errors
    codes = [p["code"] for p in result.data["me"]["declarablePurposes"]]  # type: ignore[index]
    assert codes == sorted(p.value for p in DECLARABLE[role])
    for code in codes:  # each one is admitted by the guard for this role
        declared, _ = await run(
            schema, f"query @purpose(code: {code}) {{ me {{ login }} }}", world.caller(role)
        )
        assert declared.errors is None, (role, code)


async def test_a_customer_reads_its_own_name_without_a_purpose(
    schema: PrivacySchema, world: World
) -> None:
    result, _ = await run(
        schema, "{ me { customer { name } agent { name } } }", world.caller(Role.CUSTOMER)
    )
    assert result.errors is None, result.errors
    assert result.data == {"me": {"customer": {"name": world.customers[0].name}, "agent": None}}
    agent, _ = await run(
        schema,
        "query @purpose(code: A) { me { customer { name } agent { name } } }",
        world.caller(Role.AGENT),
    )
    assert agent.data == {"me": {"customer": None, "agent": {"name": world.agent1.name}}}


@pytest.mark.parametrize("stage", [Stage.PENDING_TOTP, Stage.PASSWORD_CHANGE])
async def test_no_personal_value_before_the_login_is_finished(
    schema: PrivacySchema, world: World, stage: Stage
) -> None:
    caller = replace(world.caller(Role.CUSTOMER), stage=stage)
    result, _ = await run(schema, "{ me { login customer { name } } }", caller)
    assert result.data is None
    assert result.errors and result.errors[0].extensions == {"code": "LOGIN_STEP_REQUIRED"}
    assert world.customers[0].name not in str(result)


async def test_session_expiry_is_the_sooner_timeout(schema: PrivacySchema, world: World) -> None:
    caller = world.caller(Role.CUSTOMER)
    now = datetime.now(UTC)
    session = await Session.create(
        token_hash="x" * 64,
        csrf_hash="y" * 64,
        account_id=caller.account_id,
        stage=Stage.FULL,
        browser=True,
        created_at=now - timedelta(hours=11, minutes=50),
        last_seen_at=now,
        expires_at=now + timedelta(minutes=10),
    )
    policy = SessionPolicy()
    assert ends_at(session, policy) == session.expires_at  # absolute sooner than idle
    session.expires_at = now + timedelta(hours=2)
    assert ends_at(session, policy) == now + policy.idle
    context = build_context(caller=caller, session=session)
    result = await schema.execute("{ me { sessionExpiresAt } }", context_value=context)
    assert result.errors is None, result.errors
    shown = datetime.fromisoformat(result.data["me"]["sessionExpiresAt"])  # type: ignore[index]
    assert shown == now + policy.idle
    token, _ = await run(schema, "{ me { sessionExpiresAt } }", caller)  # no session: a token
    assert token.data == {"me": {"sessionExpiresAt": None}}
