"""Strawberry's ASGI view, made strict at the edge: callers resolved once per request, CSRF for
cookie sessions, the body parsed strictly (400 with a code otherwise), and answers negotiated per
GraphQL over HTTP (`application/graphql-response+json` gets 4xx for requests that never ran)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from auth import events
from auth.attempt import AuthConfig
from auth.callers import Resolved
from auth.events import Kind
from auth.recent import Confirmation, RecentCallers, lookup_waits
from directives.audit import AuditStore
from directives.errors import ErrorCode
from edge import metrics, negotiation, trusted_documents
from edge.callers import csrf_ok, refuse_unless_staff, resolve_caller
from edge.errors import error_response
from edge.request_body import BadRequest, parse_request
from edge.scope_state import client_address, request_id
from edge.settings import Settings
from edge.web import IDE_CSP, web_page
from notify.notices import OutboxNotices
from resolvers.app_schema import build_schema
from resolvers.context import build_context
from rights.delivery import OutboxDelivery
from schema.context import Context

MEDIA_TYPE = "crm.media_type"  # where the negotiated type waits in the request's scope
CONTEXT = "crm.context"  # the operation's Context, for the metrics after it ran
CONFIRMATION = "confirmation"  # in the scope's state: what confirms a caller checked lately


class PrivacyGraphQL(GraphQL[Context, None]):
    def __init__(
        self, settings: Settings, *, auth: AuthConfig, audit_store: AuditStore, front_end: Path
    ):
        super().__init__(
            build_schema(max_cost=settings.max_query_cost),
            allow_queries_via_get=False,
            graphql_ide="graphiql",
        )
        self.settings, self.auth, self.audit_store = settings, auth, audit_store
        self.production, self.front_end = settings.production, front_end
        self.pseudonym_key: bytes | None = None  # read once in the lifespan (P5.F research)
        self.trusted = trusted_documents.load(front_end) if settings.trusted_documents else None
        # Stateless: one of each serves every request.
        self.delivery = OutboxDelivery(auth.box)  # answers to rights requests (P7.3)
        self.notices = OutboxNotices()  # business transfers (P8.3), leak incidents
        self.recent = RecentCallers()  # API-token callers checked lately (where lookups wait)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            recent = self.recent if lookup_waits() else None
            response = await self._refusal(request, recent) or await self._answer(request)
        except Exception:
            if await self._confirmed(request):
                raise
            response = None
        if response is None or not await self._confirmed(request):
            # The caller this worker checked lately is not the one a lookup gives now
            # (auth.recent): nothing of that run leaves; it runs again as the lookup says.
            response = await self._refusal(request, None) or await self._answer(request)
        await response(scope, receive, send)

    @staticmethod
    async def _confirmed(request: Request) -> bool:
        """True unless the caller was one checked lately that the lookup no longer gives."""
        confirmation: Confirmation | None = request.scope.get("state", {}).get(CONFIRMATION)
        return confirmation is None or await confirmation()

    async def _refusal(self, request: Request, recent: RecentCallers | None) -> Response | None:
        media = negotiation.choose_media_type(request.headers.get("accept"))
        if media is None and request.method == "POST":
            return error_response(406, ErrorCode.NOT_ACCEPTABLE, "Accept application/json.")
        request.scope[MEDIA_TYPE] = media or negotiation.JSON
        state = request.scope.setdefault("state", {})
        resolved, state[CONFIRMATION] = await resolve_caller(request, self.auth.sessions, recent)
        if not csrf_ok(request, resolved):
            await events.record(
                Kind.AUTHORIZATION_FAILURE,
                actor=resolved.caller.login if resolved else None,
                account_id=resolved.caller.account_id if resolved else None,
                client_address=client_address(request.scope),
                detail="CSRF",
            )
            return error_response(403, ErrorCode.FORBIDDEN, "CSRF token missing or wrong.")
        state["resolved"] = resolved
        return None

    async def _answer(self, request: Request) -> Response:
        try:
            await self._check_trusted(request)
            return await self.run(request)
        except BadRequest as refused:
            allow = {"allow": "POST"} if refused.status == 405 else None
            return error_response(refused.status, refused.code, refused.message, allow)
        except HTTPException as refused:  # Strawberry's own (method, operation type)
            return error_response(refused.status_code, ErrorCode.BAD_REQUEST, refused.reason)

    async def _check_trusted(self, request: Request) -> None:
        """Browser sessions send only the front end's documents (edge/trusted_documents.py);
        checked on the raw text before the document is parsed (the body is read once: the same
        Request object carries it on to Strawberry)."""
        resolved: Resolved | None = request.scope.get("state", {}).get("resolved")
        if self.trusted is None or request.method != "POST":
            return
        if not trusted_documents.applies(resolved):
            return
        assert resolved is not None  # applies() holds only for a browser session
        data = parse_request(await request.body(), request.headers.get("content-type") or "")
        try:
            trusted_documents.check(self.trusted, data.query, request.headers.get("x-purpose"))
        except BadRequest:
            await events.record(  # a script with someone's cookie, or a stale page: either way
                Kind.AUTHORIZATION_FAILURE,
                actor=resolved.caller.login,
                account_id=resolved.caller.account_id,
                client_address=client_address(request.scope),
                detail=ErrorCode.DOCUMENT_NOT_TRUSTED.value,
            )
            raise

    async def parse_http_body(self, request: Any) -> GraphQLRequestData:
        if request.method == "GET":
            raise BadRequest("Send queries as POST (no personal values in URLs).", status=405)
        return parse_request(await request.get_body(), request.content_type or "")

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        resolved: Resolved | None = request.scope.get("state", {}).get("resolved")
        context = build_context(
            caller=resolved.caller if resolved else None,
            session=resolved.session if resolved else None,
            confirm_caller=request.scope.get("state", {}).get(CONFIRMATION),
            audit_store=self.audit_store,
            header_purpose=request.headers.get("x-purpose"),
            client_address=client_address(request.scope),
            request_id=request_id(request.scope),
            auth=self.auth,
            pseudonym_key=self.pseudonym_key,
            epsilon_budget=self.settings.epsilon_budget,
            privacy_contact=self.settings.privacy_contact,
            delivery=self.delivery,
            notices=self.notices,
            response=response,
            # Behind a TLS-terminating proxy the scheme may read http: production always marks
            # cookies Secure.
            secure_transport=self.production or request.url.scheme == "https",
        )
        if response is not None:
            response.headers["X-Request-ID"] = context.request_id
        request.scope[CONTEXT] = context
        return context

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        data: dict[str, Any] = dict(await super().process_result(request, result))
        context: Context | None = request.scope.get(CONTEXT)
        codes = [(e.extensions or {}).get("code") for e in result.errors or ()]
        if context is not None:
            metrics.record_audit(context.audit, failed=ErrorCode.AUDIT_UNAVAILABLE in codes)
        never_ran = result.data is None and all(e.path is None for e in result.errors or ())
        if request.scope.get(MEDIA_TYPE) == negotiation.GRAPHQL_RESPONSE and never_ran:
            data.pop("data", None)  # a request error: the status will say so
        return data

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Any
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        media = sub_response.headers.get("x-crm-media") or negotiation.JSON
        del response.headers["x-crm-media"]
        response.headers["content-type"] = f"{media}; charset=utf-8"
        if isinstance(response_data, dict) and "data" not in response_data:
            errors: list[dict[str, Any]] = response_data.get("errors") or []  # type: ignore[assignment]
            codes = [(e.get("extensions") or {}).get("code") for e in errors]
            response.status_code = negotiation.request_error_status(codes)
        return response

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        # Strawberry's create_response sees only the sub-response, not the request: the
        # negotiated type travels in a header of it, removed again in create_response.
        sub_response = await super().get_sub_response(request)
        sub_response.headers["x-crm-media"] = request.scope.get(MEDIA_TYPE, negotiation.JSON)
        return sub_response

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from our own built files (no CDN), sending our CSRF header."""
        denied = refuse_unless_staff(request.scope.get("state", {}).get("resolved"))
        return denied or web_page(self.front_end, "graphiql.html", IDE_CSP)
