"""When a leak must be reported and by when (APPI art. 26; rules art. 7-8), as a table."""

from __future__ import annotations

from datetime import date

import pytest

from directives.incidents import assess
from directives.vocabulary import Category

FOUND = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("persons", "categories", "sensitive", "financial", "wrongful", "reportable", "final"),
    [
        (1000, {Category.NAME}, False, False, False, False, 30),  # 1,000 is not "more than"
        (1001, {Category.NAME}, False, False, False, True, 30),
        (1, {Category.NAME}, True, False, False, True, 30),  # sensitive data
        (1, {Category.NAME}, False, True, False, True, 30),  # financial harm said
        (1, {Category.BANK_ACCOUNT_NUMBER}, False, False, False, True, 30),  # ... or implied
        (1, {Category.EMAIL}, False, False, True, True, 60),  # wrongful intent: 60 days
        (0, set(), False, False, False, False, 30),
    ],
)
def test_reportable_and_deadlines(
    persons: int,
    categories: set[Category],
    sensitive: bool,
    financial: bool,
    wrongful: bool,
    reportable: bool,
    final: int,
) -> None:
    verdict = assess(
        found_on=FOUND,
        persons=persons,
        categories=categories,
        sensitive=sensitive,
        financial_harm=financial,
        wrongful_intent=wrongful,
    )
    assert verdict.reportable is reportable
    assert (verdict.preliminary_due - FOUND).days == 5
    assert (verdict.final_due - FOUND).days == final
