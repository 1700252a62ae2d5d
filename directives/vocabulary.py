"""The privacy vocabulary as plain values: categories (P1), purposes (P5), decisions, masks.

Pure data, no GraphQL and no I/O, so the policy built on it can be read and tested as tables.
"""

from __future__ import annotations

from enum import StrEnum

from models.account import Role

__all__ = ["Category", "Decision", "MaskStrategy", "Purpose", "Relation", "Role"]


class Category(StrEnum):
    """Kinds of personal information, covering every item of P1."""

    NAME = "NAME"
    BIRTH_DATE = "BIRTH_DATE"
    POSTAL_CODE = "POSTAL_CODE"
    ADDRESS = "ADDRESS"
    PHONE = "PHONE"
    FAX = "FAX"
    EMAIL = "EMAIL"
    BANK_ACCOUNT_NUMBER = "BANK_ACCOUNT_NUMBER"
    BANK_ACCOUNT_HOLDER = "BANK_ACCOUNT_HOLDER"
    # Text a person wrote (an inquiry, a message): it may hold any P1 item, so it is personal.
    FREE_TEXT = "FREE_TEXT"


class Purpose(StrEnum):
    """The only purposes of use (P5 A–H)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"
    G = "G"
    H = "H"

    @property
    def description(self) -> str:
        return PURPOSE_DESCRIPTIONS[self]


PURPOSE_DESCRIPTIONS: dict[Purpose, str] = {
    Purpose.A: "Application for the CRM service itself",
    Purpose.B: "Application for option services",
    Purpose.C: "Contact about the CRM service and option services (A and B)",
    Purpose.D: "Questions, answers and notices that come with system administration",
    Purpose.E: "Billing of monthly fees, and payment of agents' margins",
    Purpose.F: "Research to improve the service and develop new services",
    Purpose.G: "Questionnaires on satisfaction, policies and preferences",
    Purpose.H: "Newsletters, direct mail, fax and other announcements",
}


class Decision(StrEnum):
    CLEAR = "CLEAR"
    MASKED = "MASKED"
    DENIED = "DENIED"


class Relation(StrEnum):
    """How the caller stands to the person a row is about."""

    SELF = "SELF"  # the caller's own customer or agent record
    OWN_CUSTOMER = "OWN_CUSTOMER"  # an agent's customer (brought in by that agent)
    PARTNER_CUSTOMER = "PARTNER_CUSTOMER"  # subscribes to a partner's option under a valid NDA
    ANY = "ANY"  # staff reaching any record
    NONE = "NONE"  # no relation: out of scope, never shown


class MaskStrategy(StrEnum):
    """Named masks; each reveals no more than its name says."""

    NAME_INITIALS = "NAME_INITIALS"  # first character of each word, the rest as '*'
    DATE_YEAR_ONLY = "DATE_YEAR_ONLY"  # '1980-**-**'
    POSTAL_PREFIX = "POSTAL_PREFIX"  # first three digits: '150-****'
    PREFECTURE_ONLY = "PREFECTURE_ONLY"  # '東京都 ***'
    SHOW_LAST_4 = "SHOW_LAST_4"  # '******5678'
    SHOW_LAST_2 = "SHOW_LAST_2"  # '*****67'
    EMAIL_MASK = "EMAIL_MASK"  # 't***@example.com'
    REDACT = "REDACT"  # '[REDACTED]'
