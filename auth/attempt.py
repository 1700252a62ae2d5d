"""One authentication attempt's context: deployment settings, client address, time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from auth import events
from auth.events import Kind
from auth.secrets_box import SecretBox
from auth.sessions import SessionPolicy
from models import Account


@dataclass(frozen=True, slots=True)
class AuthConfig:
    box: SecretBox
    sessions: SessionPolicy = field(default_factory=SessionPolicy)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One request's view: configuration, where it comes from, and when."""

    config: AuthConfig
    client_address: str | None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    async def event(
        self,
        kind: Kind,
        account: Account | None,
        detail: str = "",
        *,
        actor: str | None = None,
        binding: events.Binding | None = None,
    ) -> None:
        """`actor` defaults to the account itself; administrators name themselves."""
        await events.record(
            kind,
            actor=actor or (account.login if account else None),
            account_id=account.id if account else None,
            client_address=self.client_address,
            detail=detail,
            binding=binding,
        )
