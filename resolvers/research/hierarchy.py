"""Generalisation hierarchies of the research quasi-identifiers (P5.F): pure data.

A research row starts from what the policy shows research (the masks: birth year, three postal
digits, prefecture) and the contract's figures; each quasi-identifier then has a ladder of
coarser steps. Step 0 is the value as masked; the last step withholds it. The masked forms stay
in the masks' own language (`directives.masks` passes a coarser form of its output unchanged),
so the enforcement point still decides, masks and audits every personal value, and no step
can show more than the mask.

`loss` is each step's normalised certainty penalty (Xu et al., 2006): the share of the
attribute's domain one generalised value covers, 0 as masked, 1 withheld.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from directives.prefectures import PREFECTURES, REGION_OF, REGIONS

Value = str | tuple[int, int | None] | None  # text, an inclusive range (None: open), withheld


class Quasi(StrEnum):
    """The six quasi-identifiers of a research row, in a fixed order."""

    BIRTH_DATE = "birthDate"
    POSTAL_CODE = "postalCode"
    ADDRESS = "address"
    PLAN = "plan"
    MONTHLY_FEE = "monthlyFee"
    OPTION_COUNT = "optionCount"


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    apply: Callable[[object], Value]
    loss: float


def _stars(text: str, shown: int, sep: str) -> str:
    """Keep the first `shown` characters of the part before `sep`, star the rest of it."""
    head, _, tail = text.partition(sep)
    return head[:shown] + "*" * (len(head) - shown) + sep + tail


def _digits_kept(shown: int, sep: str) -> Callable[[object], Value]:
    def step(value: object) -> Value:
        text = str(value)
        known = len(text.partition(sep)[0].rstrip("*"))
        return _stars(text, min(shown, known), sep)

    return step


def _region(value: object) -> Value:
    prefecture = str(value).removesuffix(" ***")
    return f"{REGION_OF[prefecture]} ***" if prefecture in REGION_OF else " ***"


def _band(width: int) -> Callable[[object], Value]:
    def step(value: object) -> Value:
        low = int(str(value)) // width * width
        return (low, low + width - 1)

    return step


def _option_band(value: object) -> Value:
    count = int(str(value))
    return (0, 0) if count == 0 else (1, 2) if count <= 2 else (3, None)


def _exact(value: object) -> Value:
    return (int(str(value)), int(str(value)))


_YEARS = 130  # 1900-2029: the birth years research may see
_POSTAL = 1000  # three-digit postal prefixes
_FEES = 30_000  # yen: the largest plan with every option stays below this
_OPTIONS = 6  # 0..6 options
_MEAN_REGION = len(PREFECTURES) / len(REGIONS)

HIERARCHY: dict[Quasi, tuple[Step, ...]] = {
    Quasi.BIRTH_DATE: (
        Step("YEAR", str, 0.0),
        Step("DECADE", _digits_kept(3, "-"), 9 / (_YEARS - 1)),
        Step("CENTURY", _digits_kept(2, "-"), 99 / (_YEARS - 1)),
        Step("WITHHELD", lambda _: "****-**-**", 1.0),
    ),
    Quasi.POSTAL_CODE: (
        Step("DIGITS_3", str, 0.0),
        Step("DIGITS_2", _digits_kept(2, "-"), 9 / (_POSTAL - 1)),
        Step("DIGITS_1", _digits_kept(1, "-"), 99 / (_POSTAL - 1)),
        Step("WITHHELD", lambda _: "***-****", 1.0),
    ),
    Quasi.ADDRESS: (
        Step("PREFECTURE", str, 0.0),
        Step("REGION", _region, (_MEAN_REGION - 1) / (len(PREFECTURES) - 1)),
        Step("WITHHELD", lambda _: " ***", 1.0),
    ),
    Quasi.PLAN: (Step("PLAN", str, 0.0), Step("WITHHELD", lambda _: None, 1.0)),
    Quasi.MONTHLY_FEE: (
        Step("YEN", _exact, 0.0),
        Step("BAND_1000", _band(1_000), 999 / _FEES),
        Step("BAND_5000", _band(5_000), 4_999 / _FEES),
        Step("WITHHELD", lambda _: None, 1.0),
    ),
    Quasi.OPTION_COUNT: (
        Step("COUNT", _exact, 0.0),
        Step("NONE_FEW_MANY", _option_band, 2 / _OPTIONS),
        Step("WITHHELD", lambda _: None, 1.0),
    ),
}
QUASI: tuple[Quasi, ...] = tuple(Quasi)
