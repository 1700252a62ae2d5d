"""Expected refusals, each with a stable code in `extensions.code`. No personal data inside."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    PURPOSE_REQUIRED = "PURPOSE_REQUIRED"
    PURPOSE_UNKNOWN = "PURPOSE_UNKNOWN"
    PURPOSE_CONFLICT = "PURPOSE_CONFLICT"
    PURPOSE_FORBIDDEN = "PURPOSE_FORBIDDEN"
    INTROSPECTION_FORBIDDEN = "INTROSPECTION_FORBIDDEN"
    FORBIDDEN = "FORBIDDEN"
    AUDIT_UNAVAILABLE = "AUDIT_UNAVAILABLE"
    BAD_INPUT = "BAD_INPUT"
    NOT_FOUND = "NOT_FOUND"
    LOGIN_FAILED = "LOGIN_FAILED"  # the same for an unknown ID and a wrong password
    LOGIN_THROTTLED = "LOGIN_THROTTLED"
    TOTP_INVALID = "TOTP_INVALID"
    TOTP_ALREADY_ENROLLED = "TOTP_ALREADY_ENROLLED"
    PASSWORD_REJECTED = "PASSWORD_REJECTED"
    LOGIN_STEP_REQUIRED = "LOGIN_STEP_REQUIRED"  # finish login (TOTP, enrolment, new password)
    ONE_AUTH_ATTEMPT_PER_REQUEST = "ONE_AUTH_ATTEMPT_PER_REQUEST"
    PRIVACY_BUDGET_EXHAUSTED = "PRIVACY_BUDGET_EXHAUSTED"  # research (P5.F): no epsilon left
    PROOF_UNAVAILABLE = "PROOF_UNAVAILABLE"  # no such checkpoint, or not sequenced into it yet
    DELIVERY_UNAVAILABLE = "DELIVERY_UNAVAILABLE"  # no way to send an answer to the person
    SAME_PERSON = "SAME_PERSON"  # a second person must approve what the first requested
    NOTICES_UNAVAILABLE = "NOTICES_UNAVAILABLE"  # no notification outbox is configured
    TOO_EARLY = "TOO_EARLY"  # a date the policy does not allow yet (P8.3: 2 months' notice)
    CONFLICT = "CONFLICT"  # the record changed meanwhile (a concurrent write won): retry
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"  # the document is not GraphQL (or too long)
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"  # against the schema or its limits
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"  # estimated cost over the budget, refused unrun
    INTERNAL_ERROR = "INTERNAL_ERROR"  # unexpected; logged with the request id, never detailed
    # HTTP-level refusals, before any GraphQL runs (status 4xx, same error shape):
    BAD_REQUEST = "BAD_REQUEST"  # the body is not a GraphQL-over-HTTP request
    BODY_TOO_LARGE = "BODY_TOO_LARGE"
    RATE_LIMITED = "RATE_LIMITED"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"  # no media type the client accepts
    DOCUMENT_NOT_TRUSTED = "DOCUMENT_NOT_TRUSTED"  # a browser session sent a document not built in


class PrivacyError(Exception):
    """An expected, client-readable error; never masked, never holds a personal value.

    A plain exception, so code outside the GraphQL layer (`auth/`, `models/`) can raise it;
    graphql-core copies `extensions` onto the GraphQL error it wraps it in."""

    def __init__(self, code: ErrorCode, message: str, **details: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extensions: dict[str, object] = {"code": code.value, **details}
