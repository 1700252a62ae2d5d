"""Who is calling: a bearer token looked up by its hash."""

from __future__ import annotations

from directives.context import Caller
from models import Account
from models.tokens import hash_token


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def caller_for_token(token: str | None) -> Caller | None:
    if not token or len(token) > 256:
        return None
    account = await Account.get_or_none(token_hash=hash_token(token), disabled=False)
    if account is None:
        return None
    return Caller(
        account_id=account.id,
        login=account.login,
        role=account.role,
        customer_id=account.customer_id,
        agent_id=account.agent_id,
    )
