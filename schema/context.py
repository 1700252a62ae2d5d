"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from starlette.responses import Response
from strawberry.dataloader import DataLoader

from auth.attempt import AuthConfig
from directives.context import Caller, PrivacyContext
from directives.errors import ErrorCode, PrivacyError
from models import Agent as AgentRow
from models import Contact as ContactRow
from models import Session
from schema.loaders import BusinessLoaders


def _no_loader() -> DataLoader[int, AgentRow | None]:
    async def load(keys: list[int]) -> list[AgentRow | None]:
        return [None for _ in keys]

    return DataLoader(load_fn=load)


def _no_contacts() -> DataLoader[int, list[ContactRow]]:
    async def load(keys: list[int]) -> list[list[ContactRow]]:
        return [[] for _ in keys]

    return DataLoader(load_fn=load)


@dataclass(slots=True)
class Context(PrivacyContext):
    """Privacy state plus this request's DataLoaders (built in `resolvers.context`)."""

    agent_loader: DataLoader[int, AgentRow | None] = field(default_factory=_no_loader)
    contacts_loader: DataLoader[int, list[ContactRow]] = field(default_factory=_no_contacts)
    # Login and sessions: the deployment's auth settings, the session behind the caller (None
    # for API tokens and tests), whether it came by cookie, and the response for Set-Cookie.
    auth: AuthConfig | None = None
    session: Session | None = None
    secure_transport: bool = False
    response: Response | None = None
    auth_attempts: int = 0
    loaders: BusinessLoaders = field(default_factory=BusinessLoaders.unavailable)
    # Key of research pseudonyms (P5.F); None: the deployment's key kept in the database.
    pseudonym_key: bytes | None = None


Info = strawberry.Info[Context, None]


def caller_of(info: Info) -> Caller:
    """The authenticated caller (the guard refuses anonymous operations first)."""
    caller = info.context.caller
    if caller is None:
        raise PrivacyError(ErrorCode.UNAUTHENTICATED, "Authentication required.")
    return caller
