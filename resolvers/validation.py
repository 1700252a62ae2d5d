"""Checking what clients send: each column's pattern and length; errors name the field only,
never echo the value (it may be personal)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from strawberry.types.base import has_object_definition
from strawberry.utils.str_converters import to_camel_case

from directives.reasons import ReasonCode, refused


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
    """The given (non-None) fields of an input object, stripped and checked; booleans pass.
    Every invalid one is named at once, by its name in the schema (`extensions.fields`)."""
    changes: dict[str, Any] = {}
    invalid: list[str] = []
    for column, raw in vars(values).items():
        if raw is None:
            continue
        if isinstance(raw, bool):
            changes[column] = raw
            continue
        check, value = rules[column], raw.strip()
        if len(value) > check.limit or not check.pattern.fullmatch(value):
            invalid.append(column)
        changes[column] = value
    if invalid:
        names = ", ".join(invalid)
        raise refused(
            ReasonCode.INVALID_VALUE,
            f"Invalid value for {names}." if len(invalid) == 1 else f"Invalid values for {names}.",
            fields=[schema_name(values, column) for column in invalid],
        )
    if not changes:
        raise refused(ReasonCode.NOTHING_TO_CHANGE, "Nothing to change.")
    return changes


def schema_name(values: object, column: str) -> str:
    """The name a client sends for the input field held in attribute `column`."""
    if has_object_definition(values):
        for field in values.__strawberry_definition__.fields:
            if field.python_name == column:
                return field.graphql_name or to_camel_case(column)
    return to_camel_case(column)
