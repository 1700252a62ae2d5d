"""Tortoise models: the stored data. Nothing here knows about GraphQL or HTTP."""

from models.account import Account, Role
from models.audit import AuditEntry, AuditRequest
from models.people import Agent, Customer, CustomerVersion

__all__ = [
    "Account",
    "Agent",
    "AuditEntry",
    "AuditRequest",
    "Customer",
    "CustomerVersion",
    "Role",
]
