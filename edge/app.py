"""The Starlette app: routes, the edge middleware in order, and a lifespan that opens the
database and prepares it once (under the startup lock) for however many workers start."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from tortoise import Tortoise
from tortoise.connection import get_connection

from auth.access_log import AccessLogMiddleware
from directives.audit import TortoiseAuditStore
from edge import health
from edge.background import running
from edge.body_limit import BodyLimitMiddleware
from edge.callers import refuse_unless_staff, resolve_caller
from edge.graphql_view import PrivacyGraphQL
from edge.headers import SecurityHeadersMiddleware
from edge.logs import configure_logging, install_request_ids
from edge.memory import freeze_startup_heap
from edge.metrics import MetricsMiddleware, metrics_endpoint
from edge.outbox import outbox_worker
from edge.proxies import ClientAddressMiddleware
from edge.rate_limit import RateLimitMiddleware
from edge.request_id import RequestIdMiddleware
from edge.retention import prune_forever
from edge.sequencer import audit_sequencer, subject_copier
from edge.settings import Settings
from edge.startup import prepare, warm_research
from edge.web import web_dist, web_page
from models.db import tortoise_config
from models.files import create_private_database, private_directory, protect_database
from rights import policy_page
from tlog.store import latest_checkpoint

# Paths the access log names (others are logged as one placeholder); probes and metrics are
# not logged at all.
LOGGED_PATHS = frozenset(
    {"/", "/graphql", "/schema.graphql", "/audit/checkpoint", "/audit/key", "/policy"}
)


def create_app(settings: Settings) -> Starlette:
    install_request_ids()
    auth = settings.auth_config()
    audit_key = settings.audit_key()
    # One store for every request, so concurrent requests' audits commit together.
    audit_store = settings.audit_store or TortoiseAuditStore()
    front_end = web_dist(settings.web_dist)
    graphql = PrivacyGraphQL(settings, auth=auth, audit_store=audit_store, front_end=front_end)
    audit_probe = getattr(audit_store, "probe", None)

    async def sdl(request: Request) -> Response:
        denied = refuse_unless_staff((await resolve_caller(request, auth.sessions))[0])
        return denied or PlainTextResponse(str(graphql.schema), media_type="application/graphql")

    async def spa(_: Request) -> Response:
        return web_page(front_end, "index.html")

    async def checkpoint(_: Request) -> Response:
        latest = await latest_checkpoint(get_connection("default"))
        if latest is None:
            return PlainTextResponse("No checkpoint yet.", status_code=404)
        return PlainTextResponse(latest.note)

    async def verifier_key(_: Request) -> Response:
        return PlainTextResponse(audit_key.verifier.text() + "\n")

    async def policy(_: Request) -> Response:
        return HTMLResponse(policy_page.render(settings.privacy_contact))

    async def no_probe() -> None:
        raise RuntimeError("this audit store cannot be probed")

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        private_directory(settings.data_dir)
        create_private_database(settings.database_url)
        await Tortoise.init(
            config=tortoise_config(settings.database_url),
            _enable_global_fallback=True,  # requests run in other tasks than the lifespan
        )
        try:
            graphql.pseudonym_key = key = await prepare(settings, auth.box)
            protect_database(settings.database_url)
            async with (
                running(prune_forever(settings.access_log_retention)),
                outbox_worker(settings.outbox_settings(), auth.box),
                audit_sequencer(settings.data_dir, audit_key, settings.audit_interval),
                subject_copier(),
            ):
                if settings.research_warm:
                    await warm_research(key)
                freeze_startup_heap()  # after everything startup builds (edge/memory.py)
                yield
        finally:
            await Tortoise.close_connections()

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/schema.graphql", sdl),
            Route("/healthz", health.alive),
            Route("/readyz", health.readiness(audit_probe or no_probe)),
            Route("/metrics", metrics_endpoint(settings.metrics_allow)),
            Route("/", spa),
            Mount("/assets", StaticFiles(directory=front_end / "assets", check_dir=False)),
            Route("/audit/checkpoint", checkpoint),
            Route("/audit/key", verifier_key),
            Route("/policy", policy),
        ],
        middleware=middleware(settings),
        lifespan=lifespan,
    )


def middleware(settings: Settings) -> list[Middleware]:
    """Outermost first: the client's address, then the request id, headers on every answer,
    metrics and the access log (which see every status, refusals included), then refusals."""
    return [
        Middleware(ClientAddressMiddleware, proxies=settings.trusted_proxies),
        Middleware(RequestIdMiddleware),
        Middleware(SecurityHeadersMiddleware),
        Middleware(MetricsMiddleware),
        Middleware(AccessLogMiddleware, paths=LOGGED_PATHS, reverse_dns=settings.reverse_dns),
        Middleware(RateLimitMiddleware, per_minute=settings.rate_limit_per_minute),
        Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
    ]


def create_app_from_env() -> Starlette:
    """The no-argument factory (`uvicorn --factory edge.app:create_app_from_env`)."""
    settings = Settings.from_env()
    configure_logging(fmt=settings.log_format, level=settings.log_level)
    return create_app(settings)


class LazyApp:
    """`server:app`: importable without side effects; built from the environment on first use
    (uvicorn's lifespan startup), once per worker process."""

    def __init__(self) -> None:
        self._app: Starlette | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._app is None:
            self._app = create_app_from_env()
        await self._app(scope, receive, send)
