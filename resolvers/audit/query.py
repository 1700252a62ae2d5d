"""What auditors read (and staff, for the policy itself): the purposes, the privacy catalog,
the operation policy, the read audit, security events and the access log (P6.1)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from tortoise.queryset import QuerySet

from directives.operations import MUTATIONS, QUERIES
from directives.vocabulary import Purpose
from models import AccessLogEntry, AuditEntry, SecurityEvent
from models.by_subject import entries_of, subject_entries
from resolvers.audit.newest import E, by_request_column, fetch_newest
from resolvers.audit.timeline import fetch_in_time_order
from resolvers.audit.window import id_window, parts, whole
from schema.accounts.auth_types import (
    AccessLogConnection,
    AccessLogInfo,
    SecurityEventConnection,
    SecurityEventInfo,
)
from schema.audit.audit_event import AuditEvent, AuditEventConnection, AuditFilter
from schema.audit.catalog import CatalogEntry, OperationRule, PurposeInfo
from schema.context import Info
from schema.page import PageInfo, parse_row_id


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The purposes of use (P5).")
    def purposes(self) -> list[PurposeInfo]:
        return [PurposeInfo(code=p, description=p.description) for p in Purpose]

    @strawberry.field(
        description="Every personal field: category, purposes, mask. Generated from the "
        "same @personal directives that are enforced."
    )
    def privacy_catalog(self, info: Info) -> list[CatalogEntry]:
        index = info.schema.personal_index  # type: ignore[attr-defined]
        return [CatalogEntry.from_field(f) for f in index.all_fields()]

    @strawberry.field(
        description="Who may run each root operation, under which purposes, how its rows "
        "are scoped: the same table the guard applies before anything resolves."
    )
    def operation_policy(self) -> list[OperationRule]:
        return [
            *(OperationRule.of("QUERY", name, row) for name, row in QUERIES.items()),
            *(OperationRule.of("MUTATION", name, row) for name, row in MUTATIONS.items()),
        ]

    @strawberry.field(
        description="The read audit, newest first (by request, then entry); filter by "
        "subject, actor, purpose, time."
    )
    async def audit_events(
        self,
        filter: AuditFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> AuditEventConnection:
        where = filter or AuditFilter()
        if where.subject_type is not None or where.subject_id is not None:
            # The entries' keys by subject (models/by_subject.py), then the entries by id.
            keys, page, by_subject = await _newest(
                await subject_entries(), where, first, after, last, before
            )
            nodes = [AuditEvent.from_model(e, e.request) for e in await entries_of(keys)]
            return AuditEventConnection(nodes=nodes, page_info=page, count=by_subject.count)
        rows, page, counted = await _newest(
            AuditEntry.all().select_related("request"), where, first, after, last, before
        )
        return AuditEventConnection(
            nodes=[AuditEvent.from_model(r, r.request) for r in rows],
            page_info=page,
            count=counted.count,
        )

    @strawberry.field(
        description="Security events (ASVS V16) in time order: oldest first, or newest first "
        "if asked."
    )
    async def security_events(
        self,
        kind: str | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        newest_first: bool = False,
    ) -> SecurityEventConnection:
        query = SecurityEvent.all()
        if kind is not None:
            query = query.filter(kind=kind)
        if actor is not None:
            query = query.filter(actor=actor)
        if since is not None:
            query = query.filter(at__gte=since)
        if until is not None:
            query = query.filter(at__lt=until)
        rows, page = await fetch_in_time_order(
            query, first, after, last, before, newest_first=newest_first
        )
        return SecurityEventConnection(
            nodes=[SecurityEventInfo.from_model(r) for r in rows], page_info=page, count=query.count
        )

    @strawberry.field(
        description="The web access log (P6.1) in time order: oldest first, or newest first "
        "if asked."
    )
    async def access_log(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        newest_first: bool = False,
    ) -> AccessLogConnection:
        query = AccessLogEntry.all()
        if since is not None:
            query = query.filter(at__gte=since)
        if until is not None:
            query = query.filter(at__lt=until)
        rows, page = await fetch_in_time_order(
            query, first, after, last, before, newest_first=newest_first
        )
        return AccessLogConnection(
            nodes=[AccessLogInfo.from_model(r) for r in rows], page_info=page, count=query.count
        )


async def _newest(
    query: QuerySet[E],
    where: AuditFilter,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> tuple[list[E], PageInfo, QuerySet[E]]:
    """A page of `query` (audit_entry, or the keys by subject) under `where`, newest first,
    and the whole filtered query (to count)."""
    if where.subject_type is not None:
        query = query.filter(subject_type=where.subject_type)
    if where.subject_id is not None:
        query = query.filter(subject_id=parse_row_id(where.subject_id))
    query, lead = by_request_column(query, actor=where.actor, purpose=where.purpose)
    # A time window is id ranges, testing the time only at its edges (window.py). Rows are
    # read from audit_request's (actor, id) or (purpose, id) index for those filters without
    # a subject, else from audit_entry's (request_id, id) index or the keys by subject, newest
    # first (unfiltered, the join stays outer: only the entry's column orders it). The id
    # bounds go on the table read, where they start its index range.
    window = await id_window(where.since, where.until)
    by_subject = where.subject_type is not None or where.subject_id is not None
    from_requests = not by_subject and (where.actor is not None or where.purpose is not None)
    id_of = "request__id" if from_requests else "request_id"
    rows, page = await fetch_newest(
        parts(query, window, where.since, where.until, id_of),
        first,
        after,
        last,
        before,
        from_requests=from_requests,
        lead=lead if from_requests else None,
    )
    return rows, page, whole(query, window, where.since, where.until, id_of)
