"""The policy's versions and change log (P11), and the privacy contact window (P3.5).

Pure data: a new version is a reviewed change to this table, beside POLICY.md. Every receipt,
audit row, consent record and rights request names `in_force(at).id`. A version may ask
again for consent to named uses (`reconsent`): consent given under an earlier version is then
no longer in force for them (`valid_consent_versions`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

JAPAN = timezone(timedelta(hours=9), "JST")  # the operator's time zone; no daylight saving


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    id: str  # named in receipts and records, e.g. "2009-09-01/1"
    effective_on: date  # in force from 00:00 Japan time that day
    notes: str  # what changed (P11: posted in the change log)
    editorial: bool = False  # wording only: not posted in the change log (P11)
    reconsent: frozenset[str] = field(default_factory=frozenset)  # named uses asked again


@dataclass(frozen=True, slots=True)
class PrivacyContact:
    """The contact window for privacy questions (P3.5); configuration, public."""

    email: str = "support@prius-pro.jp"
    phone: str = "096-288-2400"


# Oldest first. The original of 2009-09-01 is version 1.
VERSIONS: tuple[PolicyVersion, ...] = (
    PolicyVersion(
        id="2009-09-01/1",
        effective_on=date(2009, 9, 1),
        notes="Original policy: purposes A-H, third-party disclosure, disclosure to former "
        "customers (free once per calendar month, 2,100 yen from the second), payment records "
        "kept 7 years after cancellation.",
    ),
)


def _table(versions: Sequence[PolicyVersion] | None) -> Sequence[PolicyVersion]:
    # Read at call time, so that a test may publish a version by replacing the table.
    return VERSIONS if versions is None else versions


def japan_date(at: datetime) -> date:
    return at.astimezone(JAPAN).date()


def in_force(at: datetime, versions: Sequence[PolicyVersion] | None = None) -> PolicyVersion:
    """The version in force at `at`: the last one effective on or before that Japan date."""
    table = _table(versions)
    today = japan_date(at)
    current = table[0]
    for version in table:
        if version.effective_on <= today:
            current = version
    return current


def change_log(versions: Sequence[PolicyVersion] | None = None) -> list[PolicyVersion]:
    """The versions P11 posts (all but editorial ones), newest first."""
    return [v for v in reversed(_table(versions)) if not v.editorial]


def valid_consent_versions(
    use: str, at: datetime, versions: Sequence[PolicyVersion] | None = None
) -> frozenset[str]:
    """Versions under which a consent to `use` given is still in force at `at`: those from
    the last version in force that asked again for it onwards."""
    table = [v for v in _table(versions) if v.effective_on <= japan_date(at)]
    start = 0
    for n, version in enumerate(table):
        if use in version.reconsent:
            start = n
    return frozenset(v.id for v in table[start:])
