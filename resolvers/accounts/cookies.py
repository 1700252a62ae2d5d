"""Session cookies: HttpOnly, SameSite=Strict, Secure over TLS; a readable CSRF cookie."""

from __future__ import annotations

from auth.sessions import Opened
from schema.context import Context

SESSION_COOKIE = "crm_session"
CSRF_COOKIE = "crm_csrf"  # readable by the page, sent back as the X-CSRF-Token header
CSRF_HEADER = "x-csrf-token"


def set_session_cookies(context: Context, opened: Opened) -> None:
    response = context.response
    if response is None:
        return
    lifetime = int((opened.session.expires_at - opened.session.created_at).total_seconds())
    common = {
        "max_age": lifetime,
        "path": "/",
        "samesite": "strict",
        "secure": context.secure_transport,
    }
    response.set_cookie(SESSION_COOKIE, opened.token, httponly=True, **common)  # type: ignore[arg-type]
    response.set_cookie(CSRF_COOKIE, opened.csrf, httponly=False, **common)  # type: ignore[arg-type]


def clear_session_cookies(context: Context) -> None:
    if context.response is not None:
        context.response.delete_cookie(SESSION_COOKIE, path="/")
        context.response.delete_cookie(CSRF_COOKIE, path="/")
