"""Leak incidents (APPI art. 26 and its rules, art. 7-8): when one must be reported to the
commission and by when. Pure: plain values in, a verdict out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from directives.vocabulary import Category

REPORTABLE_PERSONS = 1000  # more than 1,000 persons affected
PRELIMINARY_DAYS = 5  # "promptly": about 3-5 days from discovery
FINAL_DAYS = 30
FINAL_DAYS_WRONGFUL = 60  # wrongful intent (不正の目的)
# Values whose leak may cause financial harm by themselves.
FINANCIAL: frozenset[Category] = frozenset({Category.BANK_ACCOUNT_NUMBER})


@dataclass(frozen=True, slots=True)
class Verdict:
    financial_harm: bool
    reportable: bool
    preliminary_due: date
    final_due: date


def assess(
    *,
    found_on: date,
    persons: int,
    categories: Iterable[Category],
    sensitive: bool,
    financial_harm: bool,
    wrongful_intent: bool,
) -> Verdict:
    financial = financial_harm or any(c in FINANCIAL for c in categories)
    reportable = sensitive or financial or wrongful_intent or persons > REPORTABLE_PERSONS
    final = FINAL_DAYS_WRONGFUL if wrongful_intent else FINAL_DAYS
    return Verdict(
        financial_harm=financial,
        reportable=reportable,
        preliminary_due=found_on + timedelta(days=PRELIMINARY_DAYS),
        final_due=found_on + timedelta(days=final),
    )
