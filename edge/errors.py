"""HTTP-level refusals in the GraphQL error shape: `{"errors": [{message, extensions.code}]}`."""

from __future__ import annotations

import json

from starlette.responses import Response

from directives.errors import ErrorCode


def error_body(code: ErrorCode, message: str) -> bytes:
    return json.dumps(
        {"errors": [{"message": message, "extensions": {"code": code.value}}]}
    ).encode()


def error_response(
    status: int, code: ErrorCode, message: str, headers: dict[str, str] | None = None
) -> Response:
    return Response(error_body(code, message), status, headers, media_type="application/json")
