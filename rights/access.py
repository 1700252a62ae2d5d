"""Who read or used a person's data (APPI art. 33): the audit rows about the person, never
about anyone else. Audit rows hold no values: who, role, purpose, fields, decision, when.

A customer's subjects are its own record, the contacts it keeps (P7.2: a person without a
user ID acts through the holder) and its rights requests (their reply address).
"""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from directives.context import STAFF_ROLES
from directives.scope import SubjectKind
from models import AuditEntry, Contact, RightsRequest
from rights.rows import column


async def about_customer(customer_id: int) -> QuerySet[AuditEntry]:
    """The audit entries about the customer or its contacts, with their request rows."""
    contacts = await column(Contact.filter(customer_id=customer_id), "id")
    about = Q(subject_type=SubjectKind.CUSTOMER.value, subject_id=customer_id)
    if contacts:
        about |= Q(subject_type=SubjectKind.CONTACT.value, subject_id__in=list(contacts))
    requests = await column(RightsRequest.filter(customer_id=customer_id), "id")
    if requests:
        about |= Q(subject_type=SubjectKind.REQUESTER.value, subject_id__in=list(requests))
    return AuditEntry.filter(about).select_related("request")


def shown_login(role: str, login: str) -> str | None:
    """Staff are named by login; agents, other customers and the person by role only."""
    return login if role in {r.value for r in STAFF_ROLES} else None
