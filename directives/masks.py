"""Mask strategies: pure functions from a clear value to a masked string.

Each reveals no more than its name says; an empty value stays empty (nothing to hide).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from directives.prefectures import PREFECTURES, REGIONS
from directives.vocabulary import MaskStrategy

# What a mask shows, or a coarser step of it (research generalises further, P5.F): a value
# already in one of these forms passes a mask unchanged. So masks are idempotent, and a
# generalised value is never made finer again; each form shows no more than the mask itself.
_COARSE_YEAR = re.compile(r"(\d{4}|\d{3}\*|\d{2}\*{2}|\d\*{3}|\*{4})-\*\*-\*\*")
_COARSE_POSTAL = re.compile(r"(\d{3}|\d{2}\*|\d\*{2}|\*{3})-\*{4}")
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NOT_DIGIT = re.compile(r"\D")  # compiled once: a mask runs per value, often per row
_HIDDEN = " ***"  # what follows the prefecture (or region) an address mask shows
_COARSE_AREAS = frozenset(area + _HIDDEN for area in (*PREFECTURES, *REGIONS, ""))
# An address's prefecture is its first 3 or 4 characters (東京都, 神奈川県): looked up by
# length, not tried one by one (research masks a million addresses in a full count). No
# prefecture begins another, so at most one length matches.
_PREFECTURE_NAMES = frozenset(PREFECTURES)
_PREFECTURE_LENGTHS = sorted({len(p) for p in PREFECTURES})
assert not any(a != b and b.startswith(a) for a in PREFECTURES for b in PREFECTURES)


def _name_initials(value: str) -> str:
    return " ".join(word[:1] + "*" * (len(word) - 1) for word in value.split())


def _year_only(value: str) -> str:
    if _FULL_DATE.fullmatch(value):
        return value[:4] + "-**-**"
    return value if _COARSE_YEAR.fullmatch(value) else "****-**-**"


def _postal_prefix(value: str) -> str:
    if _COARSE_POSTAL.fullmatch(value):
        return value
    digits = _NOT_DIGIT.sub("", value)
    return digits[:3] + "-****" if len(digits) == 7 else "***-****"


def _prefecture_only(value: str) -> str:
    if value in _COARSE_AREAS:
        return value
    names, lengths = _PREFECTURE_NAMES, _PREFECTURE_LENGTHS
    prefecture = next((value[:n] for n in lengths if value[:n] in names), "")
    return prefecture + _HIDDEN


def _show_last(count: int) -> Callable[[str], str]:
    def mask(value: str) -> str:
        digits = _NOT_DIGIT.sub("", value)
        if not digits:
            return "****"  # not '' (which would read as "no value")
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


def masker(strategy: MaskStrategy) -> Callable[[str | None], str | None]:
    """`apply_mask` bound to one strategy, for the enforcement point's plans."""
    mask = _STRATEGIES[strategy]

    def apply(value: str | None) -> str | None:
        return mask(value) if value else value

    return apply


def deny(_: str | None) -> None:
    return None
