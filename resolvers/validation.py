"""Checking what clients send: each column's pattern and length; errors name the field only,
never echo the value (it may be personal)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from directives.errors import ErrorCode, PrivacyError


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: re.Pattern[str]
    limit: int


def rule(pattern: str, limit: int) -> Rule:
    return Rule(re.compile(pattern, re.S), limit)


ANY_TEXT = r".*"
NAME = rule(r"\S.*", 120)
PHONE = rule(r"\+?[\d-]{6,20}", 20)
OPTIONAL_PHONE = rule(r"(\+?[\d-]{6,20})?", 20)
EMAIL = rule(r"[^@\s]+@[^@\s]+\.[^@\s]+", 254)
OPTIONAL_EMAIL = rule(r"([^@\s]+@[^@\s]+\.[^@\s]+)?", 254)


def validated(values: object, rules: Mapping[str, Rule]) -> dict[str, Any]:
    """The given (non-None) fields of an input object, stripped and checked; booleans pass."""
    changes: dict[str, Any] = {}
    for column, raw in vars(values).items():
        if raw is None:
            continue
        if isinstance(raw, bool):
            changes[column] = raw
            continue
        check, value = rules[column], raw.strip()
        if len(value) > check.limit or not check.pattern.fullmatch(value):
            raise PrivacyError(ErrorCode.BAD_INPUT, f"Invalid value for {column}.")
        changes[column] = value
    if not changes:
        raise PrivacyError(ErrorCode.BAD_INPUT, "Nothing to change.")
    return changes
