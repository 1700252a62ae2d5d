"""Pages of campaigns, send lists and survey responses."""

from __future__ import annotations

import strawberry

from schema.marketing.campaign import Campaign
from schema.marketing.campaign_recipient import CampaignRecipient
from schema.marketing.survey import SurveyResponse
from schema.page import Connection, Counted


@strawberry.type
class CampaignConnection(Connection[Campaign]):
    """A page of Campaign rows."""


@strawberry.type
class CampaignRecipientConnection(Counted, Connection[CampaignRecipient]):
    """A page of CampaignRecipient rows."""


@strawberry.type
class SurveyResponseConnection(Connection[SurveyResponse]):
    """A page of SurveyResponse rows."""
