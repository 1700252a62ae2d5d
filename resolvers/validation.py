"""Checking what clients send: each column's pattern and length; errors name the field only,
never echo the value (it may be personal)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tortoise.models import Model

from directives.errors import ErrorCode, PrivacyError


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: re.Pattern[str]
    limit: int
    multiline: bool = False


def rule(pattern: str, limit: int, *, multiline: bool = False) -> Rule:
    """A column's pattern and length. Single-line columns (names, addresses, phones) refuse
    CR and LF; control characters and bidi overrides are refused for every input before any
    resolver runs (directives/text_input.py)."""
    return Rule(re.compile(pattern, re.S), limit, multiline)


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
        broken = not check.multiline and ("\n" in value or "\r" in value)
        if broken or len(value) > check.limit or not check.pattern.fullmatch(value):
            raise PrivacyError(ErrorCode.BAD_INPUT, f"Invalid value for {column}.")
        changes[column] = value
    if not changes:
        raise PrivacyError(ErrorCode.BAD_INPUT, "Nothing to change.")
    return changes


def fitting(model: type[Model], filters: Mapping[str, Any]) -> None:
    """Filter values no longer than their column: a longer one can match nothing, and
    PostgreSQL would refuse it as a parameter of the column's type (an internal error)."""
    for column, value in filters.items():
        limit = getattr(model._meta.fields_map.get(column), "max_length", None)
        if isinstance(value, str) and limit is not None and len(value) > limit:
            raise PrivacyError(ErrorCode.BAD_INPUT, f"Invalid value for {column}: too long.")
