"""Demo accounts: one per role, ready to use, with everything a person needs to log in.

Each gets a fresh password, an API token named "demo", and (for every role but CUSTOMER, where
two-factor login is optional) an enrolled TOTP secret so codes can be computed with pyotp.

The demo CUSTOMER and AGENT logins are bound to the first customer and agent already active:
seeding is the operator's own data, not a staff member's request, so no second administrator
and no activation code take part. Their binding says so (method OPERATOR_SEED), and auditors
see it in `accountBindings`. Every other login bound to a person goes through auth.binding.

A second administrator (`ADMIN_2` in the credentials, login demo-admin-2) lets the four-eyes
steps be completed in the demo: what one administrator requests (binding a login to a person,
an exceptional disclosure), the other approves; the server refuses the requester.
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
from models import (
    Account,
    AccountBinding,
    Activation,
    Agent,
    ApiToken,
    BindingMethod,
    Customer,
    Provider,
    RecoveryCode,
    Session,
)
from models.tokens import hash_token

SEEDING = "operator-seed"  # not a login: the operator's seeding named as requester
SECOND_ADMIN = "ADMIN_2"  # the credentials' key of the second administrator (four eyes)


async def issue_demo_accounts(box: SecretBox) -> dict[str, dict[str, str]]:
    """Returns {role: {login, password, token[, totp_secret]}} and the second administrator's
    under SECOND_ADMIN; old demo tokens are replaced."""
    first_customer = await Customer.all().order_by("id").first()
    first_agent = await Agent.all().order_by("id").first()
    # The demo partner works for the option provider whose NDA is in force (demo.third_parties).
    partner = await Provider.filter(ndas__reference="NDA-2026-001").first()
    credentials: dict[str, dict[str, str]] = {}
    seats = [(role.value, role) for role in Role] + [(SECOND_ADMIN, Role.ADMIN)]
    for key, role in seats:
        login, password, token = (
            f"demo-{role.value.lower()}" if key == role.value else "demo-admin-2",
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
                "provider_id": partner.id if role is Role.PARTNER and partner else None,
                "password_hash": hash_password(password),
                "password_changed_at": datetime.now(UTC),
                "must_change_password": False,
                "disabled": False,
                "activation": Activation.ACTIVE,
                "totp_secret": box.seal(totp) if totp else None,
                "totp_confirmed": totp is not None,
                "totp_last_step": None,
            },
        )
        await _record_seeded_binding(account)
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
        credentials[key] = {**entry, "totp_secret": totp} if totp else entry
    return credentials


async def _record_seeded_binding(account: Account) -> None:
    person = (
        ("customer", account.customer_id) if account.customer_id else ("agent", account.agent_id)
    )
    if person[1] is None:
        return
    await AccountBinding.update_or_create(
        account_id=account.id,
        defaults={
            "role": account.role.value,
            "subject_type": person[0],
            "subject_id": person[1],
            "method": BindingMethod.OPERATOR_SEED,
            "requested_by": SEEDING,
            "requested_at": datetime.now(UTC),
        },
    )


def _password() -> str:
    return "demo-" + secrets.token_urlsafe(15)  # 25 characters: a passphrase by length
