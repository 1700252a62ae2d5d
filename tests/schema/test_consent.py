"""Withdrawn consent has one source (schema.consent), shared by every customer subject and
allocated once per answer, never per row."""

from __future__ import annotations

import itertools

import pytest

from directives.vocabulary import Purpose
from schema.consent import withdrawn
from schema.customer import Customer


@pytest.mark.parametrize(("survey", "marketing"), list(itertools.product([False, True], repeat=2)))
def test_customers_use_the_one_consent_table(survey: bool, marketing: bool) -> None:
    expected = {Purpose.G} if survey else set()
    expected |= {Purpose.H} if marketing else set()
    table = withdrawn(survey_opt_out=survey, marketing_opt_out=marketing)
    assert table == expected
    assert withdrawn(survey_opt_out=survey, marketing_opt_out=marketing) is table
    customer = Customer(
        id="1",
        bank_name="",
        bank_branch="",
        account_type="",
        survey_opt_out=survey,
        marketing_opt_out=marketing,
        version=1,
        row_id=1,
        agent_id=None,
    )
    assert customer.privacy_subject().consent_withdrawn is table
