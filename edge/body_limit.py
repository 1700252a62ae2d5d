"""The request body's size, enforced while it is read: a declared Content-Length over the
limit is refused before reading; a chunked body is counted and cut off at the limit."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from directives.errors import ErrorCode
from edge.errors import error_response
from edge.request_body import BadRequest


class BodyTooLarge(BadRequest):
    def __init__(self, limit: int) -> None:
        super().__init__(  # RFC 9110 15.5.14 Content Too Large
            f"The body is larger than {limit} bytes.", ErrorCode.BODY_TOO_LARGE, status=413
        )


def declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            if not value.isdigit() or len(value) > 18:
                raise BadRequest("Content-Length is not a number.")
            return int(value)
    return None


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            length = declared_length(scope)
            if length is not None and length > self.max_bytes:
                raise BodyTooLarge(self.max_bytes)
            await self.app(scope, self._counting(receive), watch)
        except BadRequest as refused:
            if started:
                raise
            response = error_response(
                refused.status, refused.code, refused.message, {"connection": "close"}
            )
            await response(scope, receive, send)

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        return counted
