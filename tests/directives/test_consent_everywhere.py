"""Consent follows the person's data everywhere (side doors, 4): into every type derived from a
customer, and into every count of people."""

from __future__ import annotations

from typing import Any

import pytest

from directives.consent import CONSENT_PURPOSES
from directives.privacy_schema import PrivacySchema
from directives.scope import Subject, SubjectKind, withdrawn_of
from directives.vocabulary import Purpose, Role
from models import CampaignRecipient, Contact, Customer, SurveyResponse
from tests.business_world import Business
from tests.conftest import World, run

CONTACTS = """query Reach @purpose(code: %s) {
  customers { nodes { id contacts { name email } } } }"""


async def _contacts_of(customer: Customer) -> None:
    await Contact.create(customer=customer, name="田中 次郎", department="総務", email="j@x.jp")


@pytest.mark.parametrize(
    ("purpose", "column"), [("G", "survey_opt_out"), ("H", "marketing_opt_out")]
)
async def test_a_withdrawn_customers_contacts_stay_hidden(
    schema: PrivacySchema, world: World, purpose: str, column: str
) -> None:
    withdrawn, consenting = world.customers[1], world.customers[0]
    await Customer.filter(id=withdrawn.id).update(**{column: True})
    await Customer.filter(id=consenting.id).update(survey_opt_out=False, marketing_opt_out=False)
    for customer in (withdrawn, consenting):
        await _contacts_of(customer)
    result, _ = await run(schema, CONTACTS % purpose, world.caller(Role.MARKETING))
    assert result.errors is None and result.data is not None
    by_id = {int(n["id"]): n["contacts"] for n in result.data["customers"]["nodes"]}
    assert by_id[withdrawn.id] == [{"name": None, "email": None}]
    assert by_id[consenting.id] == [{"name": "田中 次郎", "email": "j@x.jp"}]


def test_a_customer_derived_subject_without_consent_fails_closed() -> None:
    """A new type built from a customer's data that forgets the consent is denied to every
    use needing consent, instead of shown."""
    for kind in (SubjectKind.CUSTOMER, SubjectKind.CONTACT):
        assert withdrawn_of(Subject(kind, 1)) == CONSENT_PURPOSES == {Purpose.G, Purpose.H}
    assert withdrawn_of(Subject(SubjectKind.AGENT, 1)) == frozenset()
    assert withdrawn_of(Subject(SubjectKind.CUSTOMER, 1, consent_withdrawn=frozenset())) == set()


async def _all(schema: PrivacySchema, world: World, query: str, **variables: Any) -> Any:
    result, _ = await run(schema, query, world.caller(Role.MARKETING), variables=variables)
    assert result.errors is None, result.errors
    return result.data


async def test_counts_agree_with_lists(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    """Watching a count must not reveal who opted out: each count applies its list's consent."""
    survey = business.survey
    opted_out = world.customers[2]  # answered the survey (see business_world), then withdrew
    assert await SurveyResponse.filter(survey_id=survey.id, customer_id=opted_out.id).exists()
    await Customer.filter(id=opted_out.id).update(survey_opt_out=True)
    responses = await _all(
        schema,
        world,
        "query R($id: ID!) @purpose(code: G) { surveyResponses(surveyId: $id, first: 1000) "
        "{ nodes { answers } } }",
        id=survey.id,
    )
    surveys = await _all(schema, world, "{ surveys { id responseCount } }")
    [counted] = [s for s in surveys["surveys"] if s["id"] == str(survey.id)]
    assert counted["responseCount"] == len(responses["surveyResponses"]["nodes"])

    campaign = next(iter(business.campaigns.values()))
    for customer in world.customers:
        await CampaignRecipient.create(campaign=campaign, customer=customer)
    recipients = await _all(
        schema,
        world,
        "query L($id: ID!) @purpose(code: H) { campaignRecipients(campaignId: $id, first: 1000) "
        "{ totalCount nodes { name } } }",
        id=campaign.id,
    )
    listed = recipients["campaignRecipients"]
    campaigns = await _all(schema, world, "{ campaigns { nodes { id reach } } }")
    [reach] = [c["reach"] for c in campaigns["campaigns"]["nodes"] if c["id"] == str(campaign.id)]
    assert reach == listed["totalCount"] == len(listed["nodes"])
    assert reach < len(world.customers)  # someone opted out of announcements, and is not counted
