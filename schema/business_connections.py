"""Pages of business records. `totalCount` counts only rows within the caller's scope."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from schema.marketing.campaign import Campaign
from schema.marketing.campaign_recipient import CampaignRecipient
from schema.sales.contract import Contract
from schema.people.customer import Customer
from schema.inquiries.inquiry import Inquiry
from schema.billing.invoice import Invoice
from schema.billing.margin_statement import MarginStatement
from schema.page import PageInfo
from schema.research.view import ResearchRecord
from schema.marketing.survey import SurveyResponse

Count = Callable[[], Awaitable[int]]


async def no_rows() -> int:
    return 0


@strawberry.type
class Counted:
    """A page whose `totalCount` runs its COUNT(*) only when the client selects it."""

    count: strawberry.Private[Count]

    @strawberry.field(description="Rows in your scope that match; counted only when asked.")
    async def total_count(self) -> int:
        return await self.count()


@strawberry.type
class ContractConnection:
    nodes: list[Contract]
    page_info: PageInfo


@strawberry.type
class InvoiceConnection(Counted):
    nodes: list[Invoice]
    page_info: PageInfo


@strawberry.type
class MarginStatementConnection:
    nodes: list[MarginStatement]
    page_info: PageInfo


@strawberry.type
class InquiryConnection(Counted):
    nodes: list[Inquiry]
    page_info: PageInfo


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


@strawberry.type
class ResearchRecordConnection:
    nodes: list[ResearchRecord]
    page_info: PageInfo


@strawberry.type(description="Customers found by a search, in your scope.")
class CustomerSearchConnection(Counted):
    nodes: list[Customer]
    page_info: PageInfo
