"""Tortoise models: the stored data. Nothing here knows about GraphQL or HTTP."""

from models.account import Account, Activation, Reminder, Role
from models.audit import AuditEntry, AuditRequest
from models.billing import Invoice, InvoiceLine, Payment
from models.binding import AccountBinding, BindingMethod, Channel
from models.contact import Inquiry, InquiryMessage, Notice
from models.contracts import Contract, OptionService, OptionSubscription
from models.margins import MarginLine, MarginStatement, Payout
from models.marketing import Campaign, CampaignRecipient, Survey, SurveyResponse
from models.outbox import DeliveryState, Notification
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
from models.third_parties import (
    BusinessTransfer,
    DeliveryManifest,
    Disclosure,
    Incident,
    Nda,
    NdaOption,
    Provider,
    ProvisionRecord,
)

__all__ = [
    "AccessLogEntry",
    "Account",
    "AccountBinding",
    "Activation",
    "Agent",
    "ApiToken",
    "AuditEntry",
    "AuditRequest",
    "BindingMethod",
    "BusinessTransfer",
    "Campaign",
    "CampaignRecipient",
    "Channel",
    "Contact",
    "Contract",
    "Customer",
    "CustomerVersion",
    "DeliveryManifest",
    "DeliveryState",
    "Disclosure",
    "Incident",
    "Inquiry",
    "InquiryMessage",
    "Invoice",
    "InvoiceLine",
    "LoginThrottle",
    "MarginLine",
    "MarginStatement",
    "Nda",
    "NdaOption",
    "Notice",
    "Notification",
    "OptionService",
    "OptionSubscription",
    "Payment",
    "Payout",
    "Provider",
    "ProvisionRecord",
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
