"""Consent (P5): surveys G and announcements H may be refused; named uses outside A-H need
consent in force. The records are appended by `rights.consent`, which keeps the current state
read here in the same transaction.

One table of the four possible answers, so building a subject allocates nothing per row.
"""

from __future__ import annotations

from datetime import datetime
from itertools import product
from operator import itemgetter

from directives.policy_versions import valid_consent_versions
from directives.vocabulary import Purpose

# The purposes that need the customer's consent, and the column that records its withdrawal.
CONSENT_COLUMN: dict[Purpose, str] = {
    Purpose.G: "survey_opt_out",
    Purpose.H: "marketing_opt_out",
}

CONSENT_PURPOSES: frozenset[Purpose] = frozenset(CONSENT_COLUMN)
_COLUMNS = tuple(CONSENT_COLUMN.values())
# Every combination of withdrawals, built once, so building a subject allocates no set per row.
_WITHDRAWN: dict[tuple[bool, ...], frozenset[Purpose]] = {
    flags: frozenset(p for p, flag in zip(CONSENT_COLUMN, flags, strict=True) if flag)
    for flags in product((False, True), repeat=len(_COLUMNS))
}


_FLAGS = itemgetter(*_COLUMNS)  # a tuple of the flags, in _COLUMNS order (two or more)
assert len(_COLUMNS) > 1, "itemgetter of one column returns the flag, not a tuple"


def withdrawn(**columns: bool) -> frozenset[Purpose]:
    """The purposes a customer withdrew from, given its consent columns by name."""
    return _WITHDRAWN[_FLAGS(columns)]


def in_force_filter(use: str, at: datetime, through: str = "") -> dict[str, object]:
    """Keyword filters keeping only people whose consent to named `use` is in force at `at`
    (given under a version that has not asked for it again since)."""
    return {
        f"{through}named_consents__use": use,
        f"{through}named_consents__policy_version__in": sorted(valid_consent_versions(use, at)),
    }
