"""Surveys (P5.G): responses are read under purpose G only, never of a customer who opted out."""

from __future__ import annotations

from datetime import UTC, datetime

from strawberry.types.base import get_object_definition

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import Customer, SurveyResponse
from tests.business_world import Business
from tests.conftest import World, code_of, run

QUERY = """query Q($id: ID!) %s { surveyResponses(surveyId: $id) { nodes { answers
  customer { name } } } }"""


async def test_survey_responses_need_purpose_g(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    for purpose in ("", "@purpose(code: H)"):
        result, _ = await run(
            schema,
            QUERY % purpose,
            world.caller(Role.MARKETING),
            variables={"id": business.survey.id},
        )
        assert result.errors and code_of(result.errors[0]) == "PURPOSE_REQUIRED"
        assert not (result.data or {}).get("surveyResponses")


async def test_respondents_who_opted_out_are_left_out(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    opted_out = world.customers[1]  # answered before opting out: the answer stays unread
    await SurveyResponse.create(
        survey=business.survey,
        customer=opted_out,
        answers=[1],
        answered_at=datetime(2026, 10, 2, tzinfo=UTC),
    )
    assert (await Customer.get(id=opted_out.id)).survey_opt_out
    result, _ = await run(
        schema,
        QUERY % "@purpose(code: G)",
        world.caller(Role.MARKETING),
        variables={"id": business.survey.id},
    )
    assert result.errors is None, result.errors
    nodes = result.data["surveyResponses"]["nodes"]  # type: ignore[index]
    assert len(nodes) == 4 and [1] not in [n["answers"] for n in nodes]


def test_one_channel_table_for_building_and_reading_send_lists() -> None:
    from models.marketing import Channel
    from schema.marketing.campaign_recipient import CHANNELS, CampaignRecipient

    fields = {f.python_name for f in get_object_definition(CampaignRecipient, strict=True).fields}
    for channel in Channel:
        use = CHANNELS[channel]
        assert use.send_to in use.shown and use.shown <= fields
