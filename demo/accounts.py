"""Demo accounts: one per role, ready to use, with everything a person needs to log in.

Each gets a fresh password, an API token named "demo", and (for every role but CUSTOMER, where
two-factor login is optional) an enrolled TOTP secret so codes can be computed with pyotp.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pyotp

from auth.admin import MAX_TOKEN_DAYS
from auth.passwords import hash_password
from auth.secrets_box import SecretBox
from auth.service import TOTP_OPTIONAL
from directives.vocabulary import Role
from models import Account, Agent, ApiToken, Customer, RecoveryCode, Session
from models.tokens import hash_token


async def issue_demo_accounts(box: SecretBox) -> dict[str, dict[str, str]]:
    """Returns {role: {login, password, token[, totp_secret]}}; old demo tokens are replaced."""
    first_customer = await Customer.all().order_by("id").first()
    first_agent = await Agent.all().order_by("id").first()
    credentials: dict[str, dict[str, str]] = {}
    for role in Role:
        login, password, token = (
            f"demo-{role.value.lower()}",
            _password(),
            secrets.token_urlsafe(32),
        )
        totp = None if role in TOTP_OPTIONAL else pyotp.random_base32()
        account, _ = await Account.update_or_create(
            login=login,
            defaults={
                "role": role,
                "customer_id": first_customer.id
                if role is Role.CUSTOMER and first_customer
                else None,
                "agent_id": first_agent.id if role is Role.AGENT and first_agent else None,
                "password_hash": hash_password(password),
                "password_changed_at": datetime.now(UTC),
                "must_change_password": False,
                "disabled": False,
                "totp_secret": box.seal(totp) if totp else None,
                "totp_confirmed": totp is not None,
                "totp_last_step": None,
            },
        )
        await Session.filter(account_id=account.id).delete()
        await RecoveryCode.filter(account_id=account.id).delete()
        await ApiToken.filter(account_id=account.id, name="demo").delete()
        await ApiToken.create(
            name="demo",
            token_hash=hash_token(token),
            account_id=account.id,
            role=role.value,
            expires_at=datetime.now(UTC) + timedelta(days=MAX_TOKEN_DAYS),
        )
        entry = {"login": login, "password": password, "token": token}
        credentials[role.value] = {**entry, "totp_secret": totp} if totp else entry
    return credentials


def _password() -> str:
    return "demo-" + secrets.token_urlsafe(15)  # 25 characters: a passphrase by length
