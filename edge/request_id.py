"""One id per request: in the scope for the GraphQL context and the audit, in every log line
(a context variable read by the JSON formatter), and in the X-Request-ID response header."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge.scope_state import REQUEST_ID

current_request_id: ContextVar[str | None] = ContextVar("crm_request_id", default=None)


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        value = str(uuid.uuid4())  # never taken from the client: it names audit rows
        token = current_request_id.set(value)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
                message = {**message, "headers": [*headers, (b"x-request-id", value.encode())]}
            await send(message)

        try:
            await self.app({**scope, REQUEST_ID: value}, receive, send_with_id)
        finally:
            current_request_id.reset(token)
