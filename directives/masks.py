"""Mask strategies: pure functions from a clear value to a masked string.

Each reveals no more than its name says; an empty value stays empty (nothing to hide).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from directives.vocabulary import MaskStrategy

# The 47 prefectures (no name is a prefix of another, so order does not matter).
_PREFECTURES = (
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
)


def _name_initials(value: str) -> str:
    return " ".join(word[:1] + "*" * (len(word) - 1) for word in value.split())


def _year_only(value: str) -> str:
    return value[:4] + "-**-**" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else "****-**-**"


def _postal_prefix(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits[:3] + "-****" if len(digits) == 7 else "***-****"


def _prefecture_only(value: str) -> str:
    prefecture = next((p for p in _PREFECTURES if value.startswith(p)), "")
    return prefecture + " ***"


def _show_last(count: int) -> Callable[[str], str]:
    def mask(value: str) -> str:
        digits = re.sub(r"\D", "", value)
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
