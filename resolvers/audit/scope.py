"""Which audit records a caller may have proven (RowScope.AUDIT_PROOF): auditors any; a
customer the requests it made and those with an entry about it or its own — its record, the
contacts it keeps (P7.2) and its rights requests — the same subjects as its access history
(`rights.access.subjects_of`)."""

from __future__ import annotations

from directives.context import Caller
from directives.vocabulary import Role
from models import AuditEntry, AuditRequest
from rights.access import about, subjects_of


async def provable(caller: Caller, audit_ref: str) -> AuditRequest | None:
    """The audit record `audit_ref` if the caller may have it proven, else None (the same
    answer as a record that does not exist)."""
    request = await AuditRequest.get_or_none(request_id=audit_ref)
    if request is None or caller.role is not Role.CUSTOMER or request.actor == caller.login:
        return request
    if caller.customer_id is None:
        return None
    subjects = await subjects_of(caller.customer_id)
    ours = AuditEntry.filter(about(subjects), request_id=request.id)
    return request if await ours.exists() else None


def sees_whole_records(caller: Caller) -> bool:
    """A record names every subject its request read: only callers who may read them all."""
    return caller.role is not Role.CUSTOMER
