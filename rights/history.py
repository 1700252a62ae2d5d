"""Past values (P3.4): a record's versions, each with when it began, who made the change
(the ID holder, a contact through it, or an operator) and which fields it changed.

Storage keeps the values *before* each change (`CustomerVersion`, `Contact.history`); here
they are laid out as versions 1..n, the current values last.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from models.people import Actor

# Customer columns a version holds, in display order (personal ones and the consent columns).
CUSTOMER_COLUMNS: tuple[str, ...] = (
    "name",
    "name_kana",
    "birth_date",
    "postal_code",
    "address",
    "phone",
    "fax",
    "email",
    "bank_name",
    "bank_branch",
    "account_type",
    "account_number",
    "account_holder",
    "survey_opt_out",
    "marketing_opt_out",
)
CONTACT_COLUMNS: tuple[str, ...] = ("name", "department", "phone", "email")


@dataclass(frozen=True, slots=True)
class Past:
    """A stored past state: the values of version `number`, and the change that ended it."""

    number: int
    values: Mapping[str, Any]
    changed_by: str | None
    actor: Actor | None
    changed_at: datetime | None
    contact_id: int | None = None  # the contact who asked for the change (actor CONTACT)


@dataclass(frozen=True, slots=True)
class Version:
    number: int
    values: Mapping[str, Any]
    began_at: datetime | None  # None: the first version, or a change stored before P3.4
    actor: Actor | None  # None for the first version (the record's creation)
    login: str | None
    changed: tuple[str, ...]  # columns whose value differs from the previous version
    contact_id: int | None = None


def past_of(row: Any) -> Past:
    """A stored `CustomerVersion` row as a past state."""
    return Past(row.version, row.values, row.changed_by, row.actor, row.changed_at, row.contact_id)


def snapshot(row: object, columns: Sequence[str]) -> dict[str, Any]:
    """The columns' values as stored in a version (dates as ISO strings)."""
    values = {c: getattr(row, c) for c in columns}
    return {c: v.isoformat() if isinstance(v, date) else v for c, v in values.items()}


def versions(
    *, current: Mapping[str, Any], number: int, created_at: datetime, past: Sequence[Past]
) -> list[Version]:
    """Versions 1..number, oldest first; `past` holds the stored states before `number`."""
    states = sorted(past, key=lambda p: p.number)
    values = [p.values for p in states] + [current]
    numbers = [p.number for p in states] + [number]
    laid: list[Version] = []
    for n, (num, vals) in enumerate(zip(numbers, values, strict=True)):
        before = states[n - 1] if n else None
        changed = tuple(c for c in vals if before is not None and before.values.get(c) != vals[c])
        laid.append(
            Version(
                number=num,
                values=vals,
                began_at=before.changed_at if before else created_at,
                actor=before.actor if before else None,
                login=before.changed_by if before else None,
                changed=changed,
                contact_id=before.contact_id if before else None,
            )
        )
    return laid
