"""Surveys (P5.G) and announcements (P5.H): campaign reach, send lists, responses."""

from __future__ import annotations

import strawberry

from models import Campaign as CampaignRow
from models import CampaignRecipient as RecipientRow
from models import Survey as SurveyRow
from models import SurveyResponse as ResponseRow
from resolvers.paging import fetch_page
from resolvers.query_by import consenting, counts_by, list_purpose
from schema.context import Info
from schema.marketing.campaign import Campaign
from schema.marketing.campaign_recipient import CampaignRecipient
from schema.marketing.connections import (
    CampaignConnection,
    CampaignRecipientConnection,
    SurveyResponseConnection,
)
from schema.marketing.survey import Survey, SurveyResponse
from schema.page import PageInfo, PageRequest, no_rows, parse_row_id

_EMPTY = PageInfo(end_cursor=None, has_next_page=False)


@strawberry.type
class MarketingQuery:
    @strawberry.field(
        description="Marketing dashboard: campaigns and their reach (recipients).",
    )
    async def campaigns(
        self,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> CampaignConnection:
        page_request = PageRequest.parse(first, after, last, before)
        rows, page = await fetch_page(CampaignRow.all(), page_request)
        # The reach counts the people `campaignRecipients` lists: not those who opted out.
        listed = consenting(
            RecipientRow.filter(campaign_id__in=[r.id for r in rows]),
            list_purpose("campaignRecipients"),
            "customer__",
        )
        reach = await counts_by(listed, "campaign_id")
        nodes = [Campaign.from_model(r, reach.get(r.id, 0)) for r in rows]
        return CampaignConnection(nodes=nodes, page_info=page)

    @strawberry.field(
        description="A campaign's send list (P5.H): customers who have not opted out, with "
        "the contact values the channel needs.",
    )
    async def campaign_recipients(
        self,
        info: Info,
        campaign_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> CampaignRecipientConnection:
        campaign = await CampaignRow.get_or_none(id=parse_row_id(campaign_id))
        if campaign is None:
            return CampaignRecipientConnection(nodes=[], page_info=_EMPTY, count=no_rows)
        query = consenting(RecipientRow.filter(campaign_id=campaign.id), info.context, "customer__")
        page_request = PageRequest.parse(first, after, last, before)
        rows, page = await fetch_page(query.select_related("customer"), page_request)
        return CampaignRecipientConnection(
            nodes=[CampaignRecipient.from_model(campaign.channel, r.customer) for r in rows],
            page_info=page,
            count=query.count,
        )

    @strawberry.field(description="Questionnaires (P5.G).")
    async def surveys(self) -> list[Survey]:
        rows = await SurveyRow.all().order_by("id")
        listed = consenting(ResponseRow.all(), list_purpose("surveyResponses"), "customer__")
        responses = await counts_by(listed, "survey_id")
        return [Survey.from_model(r, responses.get(r.id, 0)) for r in rows]

    @strawberry.field(
        description="Responses to a questionnaire (P5.G), without those of customers who "
        "have since opted out of surveys. Declare purpose G.",
    )
    async def survey_responses(
        self,
        info: Info,
        survey_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> SurveyResponseConnection:
        query = consenting(
            ResponseRow.filter(survey_id=parse_row_id(survey_id)),
            info.context,
            "customer__",
        )
        rows, page = await fetch_page(query, PageRequest.parse(first, after, last, before))
        return SurveyResponseConnection(
            nodes=[SurveyResponse.from_model(r) for r in rows], page_info=page
        )
