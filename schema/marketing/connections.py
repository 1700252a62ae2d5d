"""Pages of campaigns, send lists and survey responses."""

from __future__ import annotations

import strawberry

from schema.marketing.campaign import Campaign
from schema.marketing.campaign_recipient import CampaignRecipient
from schema.marketing.survey import SurveyResponse
from schema.page import Counted, PageInfo


@strawberry.type
class CampaignConnection:
    nodes: list[Campaign]
    page_info: PageInfo


@strawberry.type
class CampaignRecipientConnection(Counted):
    nodes: list[CampaignRecipient]
    page_info: PageInfo


@strawberry.type
class SurveyResponseConnection:
    nodes: list[SurveyResponse]
    page_info: PageInfo
