"""Expected refusals, each with a stable code in `extensions.code`. No personal data inside."""

from __future__ import annotations

from enum import StrEnum

from graphql import GraphQLError


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


class PrivacyError(GraphQLError):
    """An expected, client-readable error; never masked, never holds a personal value."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message, extensions={"code": code.value})
        self.code = code
