"""Builds the one typed Context of a request: caller, purpose header, loaders, audit store."""

from __future__ import annotations

import uuid

from strawberry.dataloader import DataLoader

from directives.audit import AuditStore, TortoiseAuditStore
from directives.context import Caller
from models import Agent
from resolvers.scope import visible_agents
from schema.context import Context


def build_context(
    *,
    caller: Caller | None,
    audit_store: AuditStore | None = None,
    header_purpose: str | None = None,
    client_address: str | None = None,
    request_id: str | None = None,
) -> Context:
    context = Context(
        caller=caller,
        request_id=request_id or str(uuid.uuid4()),
        audit_store=audit_store or TortoiseAuditStore(),
        client_address=client_address,
        header_purpose=header_purpose,
    )
    if caller is not None:
        context.agent_loader = DataLoader(load_fn=_agent_loader(caller))
    return context


def _agent_loader(caller: Caller):  # type: ignore[no-untyped-def]
    async def load(ids: list[int]) -> list[Agent | None]:
        rows = {row.id: row for row in await visible_agents(caller).filter(id__in=ids)}
        return [rows.get(i) for i in ids]

    return load
