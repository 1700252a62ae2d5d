"""Which audit records a caller may have proven (RowScope.AUDIT_PROOF): auditors any; a
customer the requests it made and those that read its own record (P7)."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from directives.context import Caller
from directives.scope import SubjectKind
from directives.vocabulary import Role
from models import AuditRequest


def provable(caller: Caller) -> QuerySet[AuditRequest]:
    if caller.role is not Role.CUSTOMER:
        return AuditRequest.all()
    own_record = Q(
        entries__subject_type=SubjectKind.CUSTOMER.value,
        entries__subject_id=caller.customer_id or 0,
    )
    return AuditRequest.filter(Q(actor=caller.login) | own_record).distinct()


def sees_whole_records(caller: Caller) -> bool:
    """A record names every subject its request read: only callers who may read them all."""
    return caller.role is not Role.CUSTOMER
