"""`accounts`: administrators and auditors list every account (logins and states, paged,
counted), filtered by role or state; no one else; never a secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import Account, Session, Stage
from tests.conftest import World, code_of, run

LIST = """query Q($role: Role, $disabled: Boolean, $after: String) @purpose(code: D) {
  accounts(role: $role, disabled: $disabled, first: 4, after: $after) { totalCount
    nodes { login role disabled totpEnabled passwordChangeRequired lastLoginAt }
    pageInfo { endCursor hasNextPage } } }"""


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
async def test_every_account_is_listed_page_by_page(
    schema: PrivacySchema, world: World, role: Role
) -> None:
    seen: list[str] = []
    after = None
    while True:
        result, _ = await run(schema, LIST, world.caller(role), variables={"after": after})
        assert result.errors is None, result.errors
        page = result.data["accounts"]  # type: ignore[index]
        assert page["totalCount"] == len(Role)
        seen += [n["login"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [c.login for c in sorted(world.callers.values(), key=lambda c: c.account_id)]


async def test_filters_and_last_login(schema: PrivacySchema, world: World) -> None:
    support = world.caller(Role.SUPPORT)
    await Account.filter(id=support.account_id).update(disabled=True)
    at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    for n, stage in enumerate([Stage.PENDING_TOTP, Stage.FULL, Stage.FULL]):
        await Session.create(
            token_hash=f"{n}" * 64,
            csrf_hash="c" * 64,
            account_id=support.account_id,
            stage=stage,
            created_at=at + timedelta(hours=n),
            last_seen_at=at,
            expires_at=at + timedelta(days=1),
        )
    admin = world.caller(Role.ADMIN)
    disabled, _ = await run(schema, LIST, admin, variables={"disabled": True})
    nodes = disabled.data["accounts"]["nodes"]  # type: ignore[index]
    assert [(n["login"], n["disabled"]) for n in nodes] == [(support.login, True)]
    last = datetime.fromisoformat(nodes[0]["lastLoginAt"])
    assert last == at + timedelta(hours=2)  # the latest finished login, not a pending step
    billing, _ = await run(schema, LIST, admin, variables={"role": "BILLING"})
    assert [n["role"] for n in billing.data["accounts"]["nodes"]] == ["BILLING"]  # type: ignore[index]


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.SUPPORT, Role.BILLING, Role.PARTNER])
async def test_no_one_else_lists_accounts(schema: PrivacySchema, world: World, role: Role) -> None:
    result, _ = await run(schema, "{ accounts { nodes { login } } }", world.caller(role))
    assert result.data is None and code_of(result.errors[0]) == "FORBIDDEN"  # type: ignore[index]
