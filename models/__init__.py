"""Tortoise models: the stored data. Nothing here knows about GraphQL or HTTP."""

from models.account import Account, Activation, Reminder, Role
from models.audit import AuditCheckpoint, AuditEntry, AuditLeaf, AuditRequest, SubjectEntry
from models.billing import Invoice, InvoiceLine, Payment
from models.binding import AccountBinding, BindingMethod, Channel
from models.contact import Inquiry, InquiryMessage, Notice
from models.contracts import Contract, OptionService, OptionSubscription
from models.margins import MarginLine, MarginStatement, Payout
from models.marketing import Campaign, CampaignRecipient, Survey, SurveyResponse
from models.outbox import DeliveryState, Notification
from models.people import Agent, Contact, Customer, CustomerVersion
from models.research import PrivacyBudget, ResearchKey
from models.resets import CredentialReset, ResetMethod
from models.rights import (
    ConsentInForce,
    ConsentRecord,
    LegalHold,
    NamedUse,
    PurgeRecord,
    RightsRequest,
)
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
    "AuditCheckpoint",
    "AuditEntry",
    "AuditLeaf",
    "AuditRequest",
    "BindingMethod",
    "BusinessTransfer",
    "Campaign",
    "CampaignRecipient",
    "Channel",
    "ConsentInForce",
    "ConsentRecord",
    "Contact",
    "Contract",
    "CredentialReset",
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
    "LegalHold",
    "LoginThrottle",
    "MarginLine",
    "MarginStatement",
    "NamedUse",
    "Nda",
    "NdaOption",
    "Notice",
    "Notification",
    "OptionService",
    "OptionSubscription",
    "Payment",
    "Payout",
    "PrivacyBudget",
    "Provider",
    "ProvisionRecord",
    "PurgeRecord",
    "RecoveryCode",
    "Reminder",
    "ResearchKey",
    "ResetMethod",
    "RightsRequest",
    "Role",
    "SecurityEvent",
    "Session",
    "Stage",
    "SubjectEntry",
    "Survey",
    "SurveyResponse",
]
