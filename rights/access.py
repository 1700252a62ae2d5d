"""Who read, used or received a person's data (APPI art. 33, 33(5)): the audit entries about
the person and the records of provision to third parties about the person, never anyone
else's. Audit rows and provision records hold no values: who, role, purpose or ground,
fields, decision, when.

A customer's audit subjects are its own record, the contacts it keeps (P7.2: a person without
a user ID acts through the holder) and its rights requests (their reply address).

The history is read newest first by keyset: each subject's entry keys in the order
(subject_type, subject_id, request_id, id) (models/by_subject.py: on SQLite a copy clustered
so, which every read completes first; on PostgreSQL audit_entry's index), then those entries
by id, and the provision records from `provision_record(customer_id, id)`, each stream
stopping after one page; the streams are merged here (a person has a handful of subjects):
no sort of all the person's rows, however long the audit (tests/resolvers/test_history_plans.py).
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from directives.context import STAFF_ROLES
from directives.reasons import ReasonCode, refused
from directives.scope import SubjectKind
from models import AuditEntry, Contact, ProvisionRecord, RightsRequest, SubjectEntry
from models.by_subject import entries_of, subject_entries
from rights.rows import column

Subject = tuple[str, int]  # (subject type, id) as the audit names it


async def subjects_of(customer_id: int) -> list[Subject]:
    """The audit subjects that are the person or its own: record, contacts, requests."""
    contacts = await column(Contact.filter(customer_id=customer_id).order_by("id"), "id")
    requests = await column(RightsRequest.filter(customer_id=customer_id).order_by("id"), "id")
    return [
        (SubjectKind.CUSTOMER.value, customer_id),
        *((SubjectKind.CONTACT.value, int(c)) for c in contacts),
        *((SubjectKind.REQUESTER.value, int(r)) for r in requests),
    ]


def about(subjects: list[Subject], prefix: str = "") -> Q:
    """Entries about any of `subjects` (`prefix`: the lookup from another model)."""

    def one(kind: str, subject_id: int) -> Q:
        lookups: dict[str, Any] = {f"{prefix}subject_type": kind, f"{prefix}subject_id": subject_id}
        return Q(**lookups)

    found = one("", -1)  # matches nothing: the person's subjects are added to it
    for kind, subject_id in subjects:
        found |= one(kind, subject_id)
    return found


async def about_customer(customer_id: int) -> list[AuditEntry]:
    """The audit entries about the customer or its own, in id order, with their request rows."""
    subjects = await subjects_of(customer_id)
    return await entries_of(await (await subject_entries()).filter(about(subjects)).order_by("id"))


def shown_login(role: str, login: str) -> str | None:
    """Staff are named by login; agents, other customers and the person by role only."""
    return login if role in {r.value for r in STAFF_ROLES} else None


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page of the history ended: the last audit entry shown (its request id and id)
    and the last provision record shown; None: that stream starts from its newest."""

    audit: tuple[int, int] | None = None
    provision: int | None = None

    def encode(self) -> str:
        audit = f"{self.audit[0]}.{self.audit[1]}" if self.audit else ""
        return f"{audit}:{self.provision or ''}"

    @classmethod
    def decode(cls, text: str) -> Position:
        try:
            audit, provision = text.split(":")
            request, _, entry = audit.partition(".")
            return cls(
                audit=(_id(request), _id(entry)) if audit else None,
                provision=_id(provision) if provision else None,
            )
        except ValueError:
            raise refused(ReasonCode.INVALID_CURSOR, "Invalid cursor.", fields=["after"]) from None


def _id(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 18:  # within a BIGINT
        raise ValueError(text)
    return int(text)


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the history: an audit entry or a provision record."""

    at: datetime
    entry: AuditEntry | None = None
    provision: ProvisionRecord | None = None


def _older_entries(
    entries: QuerySet[SubjectEntry], subject: Subject, after: tuple[int, int] | None
) -> QuerySet[SubjectEntry]:
    kind, subject_id = subject
    query = entries.filter(subject_type=kind, subject_id=subject_id)
    if after is not None:
        request_id, entry_id = after
        # The bound on request_id is an index condition; the OR only trims that request.
        query = query.filter(request_id__lte=request_id).filter(
            Q(request_id__lt=request_id) | Q(id__lt=entry_id)
        )
    return query.order_by("-request_id", "-id")


def _older_provisions(customer_id: int, after: int | None) -> QuerySet[ProvisionRecord]:
    query = ProvisionRecord.filter(customer_id=customer_id)
    if after is not None:
        query = query.filter(id__lt=after)
    return query.order_by("-id")


async def history_page(
    customer_id: int, position: Position, size: int
) -> tuple[list[Event], Position, bool]:
    """Up to `size` events older than `position`, newest first; the new position and
    whether more follow. Each stream reads at most size + 1 rows."""
    audit: list[list[Event]] = []
    by_subject = await subject_entries()
    for subject in await subjects_of(customer_id):
        rows = await _older_entries(by_subject, subject, position.audit).limit(size + 1)
        audit.append([Event(e.request.at, entry=e) for e in await entries_of(rows)])
    given = await _older_provisions(customer_id, position.provision).limit(size + 1)
    provisions = [Event(p.at, provision=p) for p in given]
    # The audit streams in the order their one position follows, then by time with the
    # provision records: each stream's shown events are a prefix of what it read.
    entries = heapq.merge(*audit, key=_audit_order, reverse=True)
    merged = heapq.merge(entries, provisions, key=lambda e: e.at, reverse=True)
    shown = list(itertools.islice(merged, size))
    more = sum(map(len, audit)) + len(provisions) > len(shown)
    return shown, _advanced(position, shown), more


def _audit_order(event: Event) -> tuple[int, int]:
    assert event.entry is not None
    return (event.entry.request_id, event.entry.id)


def _advanced(position: Position, shown: list[Event]) -> Position:
    audit, provision = position.audit, position.provision
    for event in shown:  # newest first: the last of each kind is where its stream stands
        if event.entry is not None:
            audit = (event.entry.request_id, event.entry.id)
        elif event.provision is not None:
            provision = event.provision.id
    return Position(audit, provision)
