"""GraphQL over HTTP: which media type to answer, and the status of an answer without data.

`application/graphql-response+json` (the spec's own type) lets the status say what happened:
a request that never executed (unparsable, invalid, refused before it ran) answers 4xx without
`data`. `application/json` keeps the legacy rule: 200 for every well-formed request.
"""

from __future__ import annotations

from collections.abc import Iterable

from directives.errors import ErrorCode

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"

STATUS_BY_CODE = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.PURPOSE_FORBIDDEN: 403,
    ErrorCode.INTROSPECTION_FORBIDDEN: 403,
    ErrorCode.DOCUMENT_NOT_TRUSTED: 403,
    ErrorCode.LOGIN_THROTTLED: 429,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.AUDIT_UNAVAILABLE: 503,
    ErrorCode.INTERNAL_ERROR: 500,
}


def _media_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality))
    return ranges


def choose_media_type(accept: str | None) -> str | None:
    """The type to answer in; None when the client accepts neither (406). No header, or a
    wildcard: application/json, as the spec asks during its transition period."""
    if not accept:
        return JSON
    best: tuple[float, int, str] | None = None
    for media, quality in _media_ranges(accept):
        if quality <= 0:
            continue
        if media == GRAPHQL_RESPONSE:
            candidate = (quality, 2, GRAPHQL_RESPONSE)
        elif media in (JSON, "application/*", "*/*"):
            candidate = (quality, 1, JSON)
        else:
            continue
        best = candidate if best is None or candidate[:2] > best[:2] else best
    return best[2] if best else None


def request_error_status(codes: Iterable[str | None]) -> int:
    """The status of an answer that never produced data: the first error's, 400 by default."""
    for code in codes:
        if code in STATUS_BY_CODE:
            return STATUS_BY_CODE[ErrorCode(code)]
        return 400
    return 400
