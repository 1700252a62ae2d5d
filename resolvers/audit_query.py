"""Reading the audit log back (AUDITOR)."""

from __future__ import annotations

from models import AuditEntry
from schema.audit_event import AuditEvent, AuditEventConnection, AuditFilter
from schema.page import PageRequest, page_info, parse_row_id


async def audit_events(where: AuditFilter, page: PageRequest) -> AuditEventConnection:
    query = AuditEntry.filter(id__gt=page.after_id)
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
    rows = await query.order_by("id").limit(page.size + 1).select_related("request")
    ids, info = page_info([r.id for r in rows], page.size)
    return AuditEventConnection(
        nodes=[AuditEvent.from_model(r, r.request) for r in rows[: len(ids)]], page_info=info
    )
