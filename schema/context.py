"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from starlette.responses import Response

from auth.attempt import AuthConfig
from directives.context import Caller, PrivacyContext
from directives.errors import ErrorCode, PrivacyError
from directives.notices import Notices
from directives.policy_versions import PrivacyContact
from models import Session
from rights.delivery import Delivery
from schema.loaders import BusinessLoaders


@dataclass(slots=True)
class Context(PrivacyContext):
    """Privacy state plus this request's DataLoaders (built in `resolvers.context`)."""

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
    # Each analyst's differential-privacy budget for research aggregates; None: the default.
    epsilon_budget: float | None = None
    # The privacy contact window (P3.5): configuration, answered to anyone.
    privacy_contact: PrivacyContact = field(default_factory=PrivacyContact)
    # Where answers to rights requests go (P7.3); None: nowhere yet, answering is refused.
    delivery: Delivery | None = None
    # Notices to persons (business transfers, leak incidents); None: no outbox configured.
    notices: Notices | None = None


Info = strawberry.Info[Context, None]


def caller_of(info: Info) -> Caller:
    """The authenticated caller (the guard refuses anonymous operations first)."""
    caller = info.context.caller
    if caller is None:
        raise PrivacyError(ErrorCode.UNAUTHENTICATED, "Authentication required.")
    return caller
