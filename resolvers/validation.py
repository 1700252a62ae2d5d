"""Checking what clients send: each column's pattern and length; errors name the field only,
never echo the value (it may be personal).

A rule may carry a normaliser, applied before the check: every write through `validated()`
stores the canonical form (phones in ASCII digits and '-', kana in full-width katakana, e-mail
without full-width letters), so that `customerSearch` finds a value however an operator typed
it, by an indexed key (`resolvers/people/search.py`, migration 0019)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from strawberry.types.base import has_object_definition
from strawberry.utils.str_converters import to_camel_case
from tortoise.models import Model

from directives.reasons import ReasonCode, refused


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: re.Pattern[str]
    limit: int
    multiline: bool = False
    normalise: Callable[[str], str] | None = None


def rule(
    pattern: str,
    limit: int,
    normalise: Callable[[str], str] | None = None,
    *,
    multiline: bool = False,
) -> Rule:
    """A column's pattern and length, and the canonical form it is stored in (`normalise`,
    applied before the check). Single-line columns (names, addresses, phones) refuse
    CR and LF; control characters and bidi overrides are refused for every input before any
    resolver runs (directives/text_input.py)."""
    return Rule(re.compile(pattern, re.S), limit, multiline, normalise)


# Dashes, minus signs and the long-vowel marks operators type in place of a hyphen.
_HYPHENS = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70\uff0d"), "-"
)
_SPACES = re.compile(r"\s+")
_HIRAGANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}  # ぁ..ゖ -> ァ..ヶ


def normal_phone(value: str) -> str:
    """ASCII digits, '+' and '-': full-width digits folded (NFKC), every dash to '-', no
    spaces. `phone_key` of the result is what a search compares."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value).translate(_HYPHENS))


def phone_key(value: str) -> str:
    """A phone as searched: normalised, without hyphens (index: replace(phone, '-', ''))."""
    return normal_phone(value).replace("-", "")


def normal_kana(value: str) -> str:
    """Full-width katakana (half-width folded by NFKC, hiragana shifted), one ASCII space
    between words."""
    folded = unicodedata.normalize("NFKC", value).translate(_HIRAGANA)
    return _SPACES.sub(" ", folded).strip()


def normal_email(value: str) -> str:
    """Full-width letters and '＠' folded (NFKC); the case is kept (a search compares lower)."""
    return unicodedata.normalize("NFKC", value).strip()


def email_key(value: str) -> str:
    """An e-mail as searched (index: lower(email))."""
    return normal_email(value).lower()


ANY_TEXT = r".*"
NAME = rule(r"\S.*", 120)
KANA = rule(ANY_TEXT, 120, normal_kana)
PHONE = rule(r"\+?[0-9-]{6,20}", 20, normal_phone)
OPTIONAL_PHONE = rule(r"(\+?[0-9-]{6,20})?", 20, normal_phone)
EMAIL = rule(r"[^@\s]+@[^@\s]+\.[^@\s]+", 254, normal_email)
OPTIONAL_EMAIL = rule(r"([^@\s]+@[^@\s]+\.[^@\s]+)?", 254, normal_email)


def validated(values: object, rules: Mapping[str, Rule]) -> dict[str, Any]:
    """The given (non-None) fields of an input object, normalised (where the rule says how),
    stripped and checked; booleans pass.
    Every invalid one is named at once, by its name in the schema (`extensions.fields`)."""
    changes: dict[str, Any] = {}
    invalid: list[str] = []
    for column, raw in vars(values).items():
        if raw is None:
            continue
        if isinstance(raw, bool):
            changes[column] = raw
            continue
        check = rules[column]
        # A line break is refused before a normaliser could fold it into a space or away.
        broken = not check.multiline and ("\n" in raw.strip() or "\r" in raw.strip())
        value = (check.normalise(raw) if check.normalise else raw).strip()
        if broken or len(value) > check.limit or not check.pattern.fullmatch(value):
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


def fitting(model: type[Model], filters: Mapping[str, Any]) -> None:
    """Filter values no longer than their column: a longer one can match nothing, and
    PostgreSQL would refuse it as a parameter of the column's type (an internal error)."""
    for column, value in filters.items():
        limit = getattr(model._meta.fields_map.get(column), "max_length", None)
        if isinstance(value, str) and limit is not None and len(value) > limit:
            raise refused(
                ReasonCode.INVALID_VALUE,
                f"Invalid value for {column}: too long.",
                fields=[to_camel_case(column)],
            )
