"""Who is calling: a bearer token, or the browser session cookie with its CSRF header."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from auth.callers import Resolved, bearer_token, csrf_matches, from_bearer, from_session_token
from auth.recent import Confirmation, RecentCallers
from auth.sessions import SessionPolicy
from directives.errors import ErrorCode
from directives.operations import INTROSPECTION_ROLES
from edge.errors import error_response
from models import Stage
from resolvers.accounts.cookies import CSRF_HEADER, session_cookie_value


async def resolve_caller(
    request: Request, policy: SessionPolicy, recent: RecentCallers | None = None
) -> tuple[Resolved | None, Confirmation | None]:
    """The caller, and (API tokens checked lately, with `recent`: auth.recent) what confirms it
    before anything changes or leaves; None when it was looked up just now."""
    now = datetime.now(UTC)
    token = bearer_token(request.headers.get("authorization"))
    if token is not None:
        bearer = token  # for the lookup (mypy: `token` narrowed here only)
        if recent is not None:
            return await recent.resolve(bearer, lambda: from_bearer(bearer, policy=policy, now=now))
        return await from_bearer(token, policy=policy, now=now), None
    cookie = session_cookie_value(request.cookies)
    if cookie:
        return await from_session_token(cookie, policy=policy, now=now, browser=True), None
    return None, None


def csrf_ok(request: Request, resolved: Resolved | None) -> bool:
    """Cookie-authenticated requests that could change something must carry the CSRF token
    (the session's, in the X-CSRF-Token header); bearer tokens are not sent by browsers."""
    session = resolved.session if resolved is not None else None
    if session is None or not session.browser or request.method in ("GET", "HEAD", "OPTIONS"):
        return True
    return csrf_matches(session, request.headers.get(CSRF_HEADER))


def refuse_unless_staff(resolved: Resolved | None) -> Response | None:
    if resolved is None or resolved.caller.stage is not Stage.FULL:
        return error_response(401, ErrorCode.UNAUTHENTICATED, "Authentication required.")
    if resolved.caller.role not in INTROSPECTION_ROLES:
        return error_response(403, ErrorCode.FORBIDDEN, "Forbidden.")
    return None
