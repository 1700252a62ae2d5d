"""Why an input or a business action was refused: one code per refusal, in
`extensions.reason`, beside `extensions.code` (BAD_INPUT), so a client can say it in its own
language; `extensions.fields` names the inputs at fault in the schema's names. Never a value.

Every BAD_INPUT is raised through `refused` (a test walks the source for any other), so no
refusal goes without its reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from directives.errors import ErrorCode, PrivacyError


class ReasonCode(StrEnum):
    # Inputs
    INVALID_VALUE = "INVALID_VALUE"  # a value's format or length; `fields` says which
    NOTHING_TO_CHANGE = "NOTHING_TO_CHANGE"
    INVALID_ID = "INVALID_ID"
    INVALID_CURSOR = "INVALID_CURSOR"
    IN_THE_FUTURE = "IN_THE_FUTURE"  # a date or time that has not come yet
    END_BEFORE_START = "END_BEFORE_START"
    TOO_LONG_FOR_AUDIT = "TOO_LONG_FOR_AUDIT"  # the operation name or a header
    # Accounts
    LOGIN_TAKEN = "LOGIN_TAKEN"
    RECORD_REQUIRED = "RECORD_REQUIRED"  # a customer's or agent's login names its record
    ALREADY_ACTIVE = "ALREADY_ACTIVE"
    CODE_STILL_VALID = "CODE_STILL_VALID"
    NO_ADDRESS = "NO_ADDRESS"  # nowhere to send a code or an answer
    TOKEN_NAME_TAKEN = "TOKEN_NAME_TAKEN"  # noqa: S105
    RESET_PENDING = "RESET_PENDING"  # a reset of this account already waits for approval
    OWN_ACCOUNT = "OWN_ACCOUNT"  # an administrator's own credentials: not through four eyes
    # Sales (P5.A, P5.B)
    ACTIVE_CONTRACT_EXISTS = "ACTIVE_CONTRACT_EXISTS"
    CONTRACT_CANCELLED = "CONTRACT_CANCELLED"
    OPTION_ALREADY_ACTIVE = "OPTION_ALREADY_ACTIVE"
    # Billing (P5.E)
    ABOVE_BALANCE = "ABOVE_BALANCE"
    INVOICE_CORRECTED = "INVOICE_CORRECTED"  # use its latest correction
    # Contact, marketing, records
    INQUIRY_CLOSED = "INQUIRY_CLOSED"
    SEND_LIST_BUILT = "SEND_LIST_BUILT"
    CHANGED_MEANWHILE = "CHANGED_MEANWHILE"  # retry with the current version
    # Consent and rights (P5, P7)
    NOT_CONSENT_BASED = "NOT_CONSENT_BASED"  # a named use rests on G or H
    NAMED_USE_EXISTS = "NAMED_USE_EXISTS"
    UNKNOWN_USE = "UNKNOWN_USE"
    REQUEST_FREE = "REQUEST_FREE"
    FEE_ALREADY_PAID = "FEE_ALREADY_PAID"
    FEE_NOT_PAID = "FEE_NOT_PAID"
    NO_CONTRACT_TO_BILL = "NO_CONTRACT_TO_BILL"
    ALREADY_ANSWERED = "ALREADY_ANSWERED"
    ALREADY_CANCELLED = "ALREADY_CANCELLED"
    # Third parties (P8)
    NOT_A_GROUND = "NOT_A_GROUND"
    FIELDS_NOT_DISCLOSABLE = "FIELDS_NOT_DISCLOSABLE"
    CONSENT_REQUIRED = "CONSENT_REQUIRED"
    ALREADY_DECIDED = "ALREADY_DECIDED"
    REFUSAL_REASON_MISMATCH = "REFUSAL_REASON_MISMATCH"  # a refusal names one, an approval none
    ALREADY_EFFECTIVE = "ALREADY_EFFECTIVE"
    # Passwords (ASVS 6.2), with PASSWORD_REJECTED: the first problem found. Codes, not
    # secrets (ruff S105 reads the names).
    PASSWORD_TOO_SHORT = "PASSWORD_TOO_SHORT"  # noqa: S105
    PASSWORD_TOO_LONG = "PASSWORD_TOO_LONG"  # noqa: S105
    PASSWORD_TOO_COMMON = "PASSWORD_TOO_COMMON"  # noqa: S105
    PASSWORD_TOO_SIMPLE = "PASSWORD_TOO_SIMPLE"  # noqa: S105
    PASSWORD_CONTAINS_LOGIN = "PASSWORD_CONTAINS_LOGIN"  # noqa: S105


def refused(reason: ReasonCode, message: str, *, fields: Sequence[str] = ()) -> PrivacyError:
    """A BAD_INPUT refusal with its reason and the inputs at fault (schema names)."""
    details: dict[str, object] = {"reason": reason.value}
    if fields:
        details["fields"] = list(fields)
    return PrivacyError(ErrorCode.BAD_INPUT, message, **details)
