"""The read audit newest first: by request (newest first), then by entry, keyset-paged.

An auditor looks for recent reads first; a busy subject's latest page must not sit behind
thousands of older ones. The order (request id, entry id), both descending, is what the
indexes (request_id, id) and (subject_type, subject_id, request_id, id) hold, and what the
join from audit_request's (actor, id) and (purpose, id) indexes yields, so no page sorts.
"""

from __future__ import annotations

import base64
import binascii

from tortoise.connection import get_connection
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from directives.reasons import ReasonCode, refused
from models import AuditEntry
from schema.page import PageInfo, PageRequest

_MAX_ID = 2**63 - 1


def encode_newest(request_id: int, entry_id: int) -> str:
    return base64.urlsafe_b64encode(f"n:{request_id}:{entry_id}".encode()).decode()


def decode_newest(cursor: str) -> tuple[int, int]:
    try:
        kind, request_id, entry_id = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        if kind == "n" and all(_is_id(v) for v in (request_id, entry_id)):
            return int(request_id), int(entry_id)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise refused(ReasonCode.INVALID_CURSOR, "Invalid cursor.", fields=["after"])


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 19 and int(value) <= _MAX_ID


async def fetch_newest(
    query: QuerySet[AuditEntry], first: int | None, after: str | None, *, from_requests: bool
) -> tuple[list[AuditEntry], PageInfo]:
    """`from_requests`: the filter is on audit_request alone (actor, purpose, time), so the
    rows come from its (actor, id) / (purpose, id) index, request by request. SQLite then
    needs the order named on that table's id to read it without sorting (it does not carry
    the order across the join's equality); PostgreSQL plans from the entry's column."""
    size = PageRequest.parse(first, None).size
    if after is not None:
        request_id, entry_id = decode_newest(after)
        query = query.filter(request_id__lte=request_id).filter(
            Q(request_id__lt=request_id) | Q(id__lt=entry_id)
        )
    by_request = from_requests and get_connection("default").capabilities.dialect == "sqlite"
    rows = await query.order_by("-request__id" if by_request else "-request_id", "-id").limit(
        size + 1
    )
    shown = rows[:size]
    end = encode_newest(shown[-1].request_id, shown[-1].id) if shown else None
    return shown, PageInfo(end_cursor=end, has_next_page=len(rows) > size)
