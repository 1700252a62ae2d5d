"""Security headers on every answer, whatever produced it; no `Server` header from the app.

Every answer may carry personal data or a session (GraphQL, the SDL, GraphiQL), so none may be
stored by a cache. HTML (GraphiQL) may not be framed.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMMON = (
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
# JSON and text are never rendered as documents: nothing may load or frame them.
API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# GraphiQL runs inline scripts and loads its assets; it still may not be framed or post away.
HTML_CSP = b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")
REPLACED = frozenset({name for name, _ in COMMON} | {b"server", b"content-security-policy"})


def secured(headers: list[tuple[bytes, bytes]], *, https: bool) -> list[tuple[bytes, bytes]]:
    """The common headers; the app's own Content-Security-Policy (the front end's pages,
    stricter than HTML_CSP) is kept, else one by content type."""
    content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
    own = next((v for k, v in headers if k.lower() == b"content-security-policy"), None)
    csp = own or (HTML_CSP if content_type.startswith(b"text/html") else API_CSP)
    kept = [(k, v) for k, v in headers if k.lower() not in REPLACED]
    return [*kept, *COMMON, (b"content-security-policy", csp), *([HSTS] if https else [])]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": secured(list(message["headers"]), https=https)}
            await send(message)

        await self.app(scope, receive, send_secured)
