"""Reading the audit log back (AUDITOR)."""

from __future__ import annotations

from models import AuditEntry
from resolvers.paging import fetch_page
from schema.audit.audit_event import AuditEvent, AuditEventConnection, AuditFilter
from schema.page import PageRequest, parse_row_id


async def audit_events(where: AuditFilter, page: PageRequest) -> AuditEventConnection:
    query = AuditEntry.all().select_related("request")
    if where.subject_type is not None:
        query = query.filter(subject_type=where.subject_type)
    if where.subject_id is not None:
        query = query.filter(subject_id=parse_row_id(where.subject_id))
    if where.actor is not None:
        query = query.filter(request__actor=where.actor)
    if where.purpose is not None:
        query = query.filter(request__purpose=where.purpose)
    if where.since is not None:
        query = query.filter(request__at__gte=where.since)
    if where.until is not None:
        query = query.filter(request__at__lt=where.until)
    rows, info = await fetch_page(query, page)
    return AuditEventConnection(
        nodes=[AuditEvent.from_model(r, r.request) for r in rows], page_info=info
    )
