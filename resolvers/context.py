"""Builds the one typed Context of a request: caller, purpose header, loaders, audit store."""

from __future__ import annotations

import uuid

from starlette.responses import Response
from strawberry.dataloader import DataLoader

from auth.attempt import AuthConfig
from auth.events import DatabaseSecurityLog
from directives.audit import AuditStore, TortoiseAuditStore
from directives.context import Caller
from models import Agent, Contact, Session
from resolvers.loaders import build_loaders
from resolvers.people.scope import visible_agents
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
    response: Response | None = None,
    secure_transport: bool = False,
    pseudonym_key: bytes | None = None,
) -> Context:
    context = Context(
        caller=caller,
        request_id=request_id or str(uuid.uuid4()),
        audit_store=audit_store or TortoiseAuditStore(),
        client_address=client_address,
        header_purpose=header_purpose,
        security_log=DatabaseSecurityLog(client_address),
        auth=auth,
        session=session,
        response=response,
        secure_transport=secure_transport,
        pseudonym_key=pseudonym_key,
        loaders=build_loaders(caller) if caller else BusinessLoaders.unavailable(),
    )
    if caller is not None:
        context.agent_loader = DataLoader(load_fn=_agent_loader(caller))
        context.contacts_loader = DataLoader(load_fn=_contacts_loader)
    return context


async def _contacts_loader(customer_ids: list[int]) -> list[list[Contact]]:
    """Contacts of customers already returned to the caller (so already in its scope)."""
    by_customer: dict[int, list[Contact]] = {i: [] for i in customer_ids}
    for row in await Contact.filter(customer_id__in=customer_ids).order_by("id"):
        by_customer[row.customer_id].append(row)
    return [by_customer[i] for i in customer_ids]


def _agent_loader(caller: Caller):  # type: ignore[no-untyped-def]
    async def load(ids: list[int]) -> list[Agent | None]:
        rows = {row.id: row for row in await visible_agents(caller).filter(id__in=ids)}
        return [rows.get(i) for i in ids]

    return load
