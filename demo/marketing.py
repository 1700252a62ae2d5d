"""Demo marketing records: two surveys with responses, and three campaigns."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from models import Campaign, CampaignRecipient, Customer, Survey, SurveyResponse
from models.marketing import Channel

_SURVEYS = [
    ("2026年度 満足度調査", ["総合満足度", "操作性", "サポート"]),
    ("新サービスの希望調査", ["モバイル版の必要性", "価格"]),
]
_CAMPAIGNS = [
    ("秋のニュースレター", Channel.NEWSLETTER),
    ("年末キャンペーンDM", Channel.DIRECT_MAIL),
    ("FAXでのご案内", Channel.FAX),
]


async def seed_surveys(customers: list[Customer], rng: random.Random) -> None:
    """September surveys, answered by about 40% of the customers who did not opt out."""
    willing = [c for c in customers if not c.survey_opt_out]
    for title, questions in _SURVEYS:
        survey = await Survey.create(
            title=title, questions=questions, opens_on=date(2026, 9, 1), closes_on=date(2026, 9, 30)
        )
        await SurveyResponse.bulk_create(_responses(survey, willing, rng), batch_size=1000)


def _responses(survey: Survey, willing: list[Customer], rng: random.Random) -> list[SurveyResponse]:
    return [
        SurveyResponse(
            survey_id=survey.id,
            customer_id=c.id,
            answers=[rng.randint(1, 5) for _ in survey.questions],
            answered_at=datetime(2026, 9, rng.randint(1, 30), tzinfo=UTC),
        )
        for c in willing
        if rng.random() < 0.4
    ]


async def seed_campaigns(customers: list[Customer]) -> None:
    """Three campaigns; the newsletter's send list is built (without opted-out customers),
    the other two wait for marketing to build them through the API (P5.H, audited)."""
    created = [await Campaign.create(name=name, channel=channel) for name, channel in _CAMPAIGNS]
    newsletter = created[0]
    await CampaignRecipient.bulk_create(
        [
            CampaignRecipient(campaign_id=newsletter.id, customer_id=c.id)
            for c in customers
            if not c.marketing_opt_out and c.email
        ],
        batch_size=1000,
    )
    newsletter.built_at, newsletter.built_by = datetime(2026, 10, 15, tzinfo=UTC), "demo-seed"
    await newsletter.save(update_fields=["built_at", "built_by"])
