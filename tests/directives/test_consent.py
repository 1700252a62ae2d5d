"""Withdrawn consent has one source (directives.consent), shared by every customer subject and
allocated once per answer, never per row."""

from __future__ import annotations

import itertools

import pytest

from directives.consent import withdrawn
from directives.vocabulary import Purpose
from schema.people.customer import Customer
from tests.conftest import World


@pytest.mark.parametrize(("survey", "marketing"), list(itertools.product([False, True], repeat=2)))
def test_one_consent_table(survey: bool, marketing: bool) -> None:
    expected = {Purpose.G} if survey else set()
    expected |= {Purpose.H} if marketing else set()
    table = withdrawn(survey_opt_out=survey, marketing_opt_out=marketing)
    assert table == expected
    assert withdrawn(survey_opt_out=survey, marketing_opt_out=marketing) is table


async def test_customers_take_consent_from_the_table(world: World) -> None:
    for row in world.customers:  # [1] opted out of surveys, [2] of announcements
        subject = Customer.from_model(row).privacy_subject()
        table = withdrawn(
            survey_opt_out=row.survey_opt_out, marketing_opt_out=row.marketing_opt_out
        )
        assert subject.consent_withdrawn is table
