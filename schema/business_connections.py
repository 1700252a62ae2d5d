"""Pages of business records. `totalCount` counts only rows within the caller's scope."""

from __future__ import annotations

import strawberry

from schema.campaign import Campaign
from schema.campaign_recipient import CampaignRecipient
from schema.contract import Contract
from schema.customer import Customer
from schema.inquiry import Inquiry
from schema.invoice import Invoice
from schema.margin_statement import MarginStatement
from schema.page import PageInfo
from schema.research import ResearchRecord
from schema.survey import SurveyResponse


@strawberry.type
class ContractConnection:
    nodes: list[Contract]
    page_info: PageInfo


@strawberry.type
class InvoiceConnection:
    nodes: list[Invoice]
    page_info: PageInfo
    total_count: int


@strawberry.type
class MarginStatementConnection:
    nodes: list[MarginStatement]
    page_info: PageInfo


@strawberry.type
class InquiryConnection:
    nodes: list[Inquiry]
    page_info: PageInfo
    total_count: int


@strawberry.type
class CampaignConnection:
    nodes: list[Campaign]
    page_info: PageInfo


@strawberry.type
class CampaignRecipientConnection:
    nodes: list[CampaignRecipient]
    page_info: PageInfo
    total_count: int


@strawberry.type
class SurveyResponseConnection:
    nodes: list[SurveyResponse]
    page_info: PageInfo


@strawberry.type
class ResearchRecordConnection:
    nodes: list[ResearchRecord]
    page_info: PageInfo


@strawberry.type(description="Customers found by a search, in your scope.")
class CustomerSearchConnection:
    nodes: list[Customer]
    page_info: PageInfo
    total_count: int
