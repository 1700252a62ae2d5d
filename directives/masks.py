"""Mask strategies: pure functions from a clear value to a masked string.

Each reveals no more than its name says; an empty value stays empty (nothing to hide).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from directives.vocabulary import MaskStrategy

_PREFECTURE = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)")


def _name_initials(value: str) -> str:
    return " ".join(word[:1] + "*" * (len(word) - 1) for word in value.split())


def _year_only(value: str) -> str:
    return value[:4] + "-**-**" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else "****-**-**"


def _postal_prefix(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits[:3] + "-****" if len(digits) == 7 else "***-****"


def _prefecture_only(value: str) -> str:
    match = _PREFECTURE.match(value)
    return (match.group(1) if match else "") + " ***"


def _show_last(count: int) -> Callable[[str], str]:
    def mask(value: str) -> str:
        digits = re.sub(r"\D", "", value)
        shown = digits[-count:] if len(digits) > count * 2 else ""
        return "*" * (len(digits) - len(shown)) + shown

    return mask


def _email(value: str) -> str:
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return "***"
    return local[:1] + "***@" + domain


def _redact(_: str) -> str:
    return "[REDACTED]"


_STRATEGIES: Mapping[MaskStrategy, Callable[[str], str]] = {
    MaskStrategy.NAME_INITIALS: _name_initials,
    MaskStrategy.DATE_YEAR_ONLY: _year_only,
    MaskStrategy.POSTAL_PREFIX: _postal_prefix,
    MaskStrategy.PREFECTURE_ONLY: _prefecture_only,
    MaskStrategy.SHOW_LAST_4: _show_last(4),
    MaskStrategy.SHOW_LAST_2: _show_last(2),
    MaskStrategy.EMAIL_MASK: _email,
    MaskStrategy.REDACT: _redact,
}


def apply_mask(strategy: MaskStrategy, value: str | None) -> str | None:
    if value is None or value == "":
        return value
    return _STRATEGIES[strategy](value)
