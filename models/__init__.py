"""Tortoise models: the stored data. Nothing here knows about GraphQL or HTTP."""

from models.account import Account, Reminder, Role
from models.audit import AuditEntry, AuditRequest
from models.billing import Invoice, InvoiceLine, Payment
from models.contact import Inquiry, InquiryMessage, Notice
from models.contracts import Contract, OptionService, OptionSubscription
from models.margins import MarginLine, MarginStatement, Payout
from models.marketing import Campaign, CampaignRecipient, Survey, SurveyResponse
from models.people import Agent, Contact, Customer, CustomerVersion
from models.research import ResearchKey
from models.security import (
    AccessLogEntry,
    ApiToken,
    LoginThrottle,
    RecoveryCode,
    SecurityEvent,
    Session,
    Stage,
)

__all__ = [
    "AccessLogEntry",
    "Account",
    "Agent",
    "ApiToken",
    "AuditEntry",
    "AuditRequest",
    "Campaign",
    "CampaignRecipient",
    "Contact",
    "Contract",
    "Customer",
    "CustomerVersion",
    "Inquiry",
    "InquiryMessage",
    "Invoice",
    "InvoiceLine",
    "LoginThrottle",
    "MarginLine",
    "MarginStatement",
    "Notice",
    "OptionService",
    "OptionSubscription",
    "Payment",
    "Payout",
    "RecoveryCode",
    "Reminder",
    "ResearchKey",
    "Role",
    "SecurityEvent",
    "Session",
    "Stage",
    "Survey",
    "SurveyResponse",
]
