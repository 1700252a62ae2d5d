"""Builds the one typed Context of a request: caller, purpose header, loaders, audit store."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from starlette.responses import Response

from auth.attempt import AuthConfig
from auth.events import DatabaseSecurityLog
from directives.audit import AuditStore, TortoiseAuditStore
from directives.context import Caller
from directives.notices import Notices
from directives.policy_versions import PrivacyContact
from models import Session
from resolvers.loaders import build_loaders
from rights.delivery import Delivery
from schema.context import Context
from schema.loaders import BusinessLoaders


def build_context(
    *,
    caller: Caller | None,
    audit_store: AuditStore | None = None,
    header_purpose: str | None = None,
    client_address: str | None = None,
    request_id: str | None = None,
    auth: AuthConfig | None = None,
    session: Session | None = None,
    confirm_caller: Callable[[], Awaitable[bool]] | None = None,
    response: Response | None = None,
    secure_transport: bool = False,
    pseudonym_key: bytes | None = None,
    epsilon_budget: float | None = None,
    privacy_contact: PrivacyContact | None = None,
    delivery: Delivery | None = None,
    notices: Notices | None = None,
) -> Context:
    return Context(
        caller=caller,
        request_id=request_id or str(uuid.uuid4()),
        audit_store=audit_store or TortoiseAuditStore(),
        client_address=client_address,
        header_purpose=header_purpose,
        security_log=DatabaseSecurityLog(client_address),
        auth=auth,
        session=session,
        confirm_caller=confirm_caller,
        response=response,
        secure_transport=secure_transport,
        pseudonym_key=pseudonym_key,
        epsilon_budget=epsilon_budget,
        privacy_contact=privacy_contact or PrivacyContact(),
        delivery=delivery,
        notices=notices,
        loaders=build_loaders(caller) if caller else BusinessLoaders.unavailable(),
    )
