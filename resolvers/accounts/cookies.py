"""Session cookies: HttpOnly, SameSite=Strict, Secure over TLS; a readable CSRF cookie.

Over TLS (and always in production) both names carry the `__Host-` prefix (ASVS 5.0 3.3.1):
the browser then accepts them only Secure, for path /, from this exact host (no Domain), so a
sibling subdomain cannot plant or overwrite them. Without TLS the plain names stay.
"""

from __future__ import annotations

from collections.abc import Mapping

from auth.sessions import Opened
from schema.context import Context

SESSION_COOKIE = "crm_session"
CSRF_COOKIE = "crm_csrf"  # readable by the page, sent back as the X-CSRF-Token header
CSRF_HEADER = "x-csrf-token"
HOST_PREFIX = "__Host-"


def cookie_name(base: str, *, secure: bool) -> str:
    return HOST_PREFIX + base if secure else base


def session_cookie_value(cookies: Mapping[str, str]) -> str | None:
    """The session cookie under either name (TLS or not)."""
    return cookies.get(HOST_PREFIX + SESSION_COOKIE) or cookies.get(SESSION_COOKIE) or None


def set_session_cookies(context: Context, opened: Opened) -> None:
    response = context.response
    if response is None:
        return
    lifetime = int((opened.session.expires_at - opened.session.created_at).total_seconds())
    secure = context.secure_transport
    common = {"max_age": lifetime, "path": "/", "samesite": "strict", "secure": secure}
    response.set_cookie(
        cookie_name(SESSION_COOKIE, secure=secure),
        opened.token,
        httponly=True,
        **common,  # type: ignore[arg-type]
    )
    response.set_cookie(
        cookie_name(CSRF_COOKIE, secure=secure),
        opened.csrf,
        httponly=False,
        **common,  # type: ignore[arg-type]
    )


def clear_session_cookies(context: Context) -> None:
    response = context.response
    if response is None:
        return
    for base in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(base, path="/")
        response.delete_cookie(HOST_PREFIX + base, path="/", secure=True)
