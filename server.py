"""The entry point: `python server.py [--demo] [--host H] [--port P] [--data-dir D]`, and
`python server.py verify-audit [--data-dir D]` (see `tlog.command`).
`python server.py purge [--dry-run] [--on DATE]` (the retention purge, P7.4).

`create_app(settings)` builds the Starlette app; Tortoise opens in its lifespan and pending
migrations are applied there. Nothing is global but what Tortoise itself needs (see README).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import secrets
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from tortoise import Tortoise
from tortoise.connection import get_connection

from auth import events
from auth.access_log import AccessLogMiddleware
from auth.attempt import AuthConfig
from auth.callers import Resolved, bearer_token, csrf_matches, from_bearer, from_session_token
from auth.events import Kind
from auth.secrets_box import SecretBox
from auth.sessions import SessionPolicy
from demo import ensure_demo
from directives.audit import AuditStore, TortoiseAuditStore
from directives.checkpoint import CheckpointError, SigningKey, parse_signing_key
from directives.operations import INTROSPECTION_ROLES
from directives.policy_versions import PrivacyContact
from models import Stage
from models.db import apply_migrations, tortoise_config
from models.files import create_private_database, private_directory, protect_database
from notify.notices import OutboxNotices
from notify.transports import OutboxSettings
from notify.worker import run_worker
from resolvers.accounts.cookies import CSRF_HEADER, SESSION_COOKIE
from resolvers.app_schema import build_schema
from resolvers.context import build_context
from resolvers.research.pseudonyms import deployment_key
from rights import policy_page, purge_command
from rights.delivery import OutboxDelivery
from schema.context import Context
from tlog import command as audit_command
from tlog.files import LogFiles
from tlog.keys import development_key
from tlog.sequencer import Sequencer, sequence_forever
from tlog.store import latest_checkpoint

log = logging.getLogger("crm.server")
PATHS = frozenset(
    {"/", "/graphql", "/schema.graphql", "/healthz", "/audit/checkpoint", "/audit/key", "/policy"}
)
# The browser front end, built from web/ and committed (README "Using it in a browser").
WEB_DIST = Path(__file__).resolve().parent / "web" / "dist"
CSP = (
    "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
IDE_CSP = CSP + "; font-src 'self' data:"  # GraphiQL's stylesheet carries its fonts inline


class SettingsError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    demo: bool = False
    demo_customers: int = 1000
    production: bool = False
    secret_key: str | None = field(default=None, repr=False)  # CRM_SECRET_KEY
    sessions: SessionPolicy = field(default_factory=SessionPolicy)
    reverse_dns: bool = False
    audit_store: AuditStore | None = None  # None: the database (tests inject failing stores)
    outbox: OutboxSettings | None = None  # None: letters in data_dir/post-outbox, no e-mail
    epsilon_budget: float | None = None  # CRM_RESEARCH_EPSILON_BUDGET; None: the default
    audit_signing_key: str | None = field(default=None, repr=False)  # CRM_AUDIT_SIGNING_KEY
    audit_interval: float = 2.0  # CRM_AUDIT_SEQUENCE_SECONDS; 0: no background sequencer
    privacy_contact: PrivacyContact = field(default_factory=PrivacyContact)  # P3.5

    @classmethod
    def from_env(cls, *, data_dir: str, demo: bool = False, customers: int = 1000) -> Settings:
        directory = Path(data_dir).resolve()
        env = os.environ
        environment = env.get("CRM_ENV", "development")
        if environment not in ("development", "production"):
            raise SettingsError("CRM_ENV must be 'development' or 'production'.")
        return cls(
            data_dir=directory,
            database_url=env.get("DATABASE_URL") or f"sqlite://{directory / 'crm.sqlite3'}",
            demo=demo,
            demo_customers=customers,
            production=environment == "production",
            secret_key=env.get("CRM_SECRET_KEY") or None,
            sessions=SessionPolicy(
                idle=timedelta(minutes=int(env.get("CRM_SESSION_IDLE_MINUTES", "30"))),
                absolute=timedelta(hours=int(env.get("CRM_SESSION_ABSOLUTE_HOURS", "12"))),
            ),
            reverse_dns=env.get("CRM_ACCESS_LOG_REVERSE_DNS", "0") == "1",
            outbox=OutboxSettings.from_env(env, data_dir=directory),
            epsilon_budget=_epsilon_budget(env.get("CRM_RESEARCH_EPSILON_BUDGET")),
            audit_signing_key=env.get("CRM_AUDIT_SIGNING_KEY") or None,
            audit_interval=float(env.get("CRM_AUDIT_SEQUENCE_SECONDS", "2")),
            privacy_contact=_privacy_contact(env),
        )

    def outbox_settings(self) -> OutboxSettings:
        return self.outbox or OutboxSettings(post_spool=self.data_dir / "post-outbox")

    def audit_key(self) -> SigningKey:
        """The audit checkpoints' signing key: refused in production if missing; in
        development one generated into the data directory (mode 0600)."""
        if self.audit_signing_key is None:
            if self.production:
                raise SettingsError("CRM_AUDIT_SIGNING_KEY must be set in production.")
            return development_key(self.data_dir)
        try:
            return parse_signing_key(self.audit_signing_key)
        except CheckpointError as error:
            raise SettingsError(f"CRM_AUDIT_SIGNING_KEY: {error}.") from None

    def auth_config(self) -> AuthConfig:
        """Refuses to run in production without a real secret; in development keeps a random
        one in the data directory (mode 0600)."""
        if self.production and self.demo:
            raise SettingsError("--demo writes an administrator's credentials: not in production.")
        secret = self.secret_key
        if secret is None:
            if self.production:
                raise SettingsError("CRM_SECRET_KEY must be set in production.")
            secret = _development_secret(self.data_dir)
        return AuthConfig(box=SecretBox(secret), sessions=self.sessions)


def _epsilon_budget(text: str | None) -> float | None:
    """Each analyst's differential-privacy budget (P5.F): a positive epsilon, at most 100."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 100:
        raise SettingsError("CRM_RESEARCH_EPSILON_BUDGET must be a number above 0, at most 100.")
    return value


def _privacy_contact(env: Mapping[str, str]) -> PrivacyContact:
    """P3.5: the contact window, from CRM_PRIVACY_EMAIL / CRM_PRIVACY_PHONE, else the policy's."""
    default = PrivacyContact()
    return PrivacyContact(
        email=env.get("CRM_PRIVACY_EMAIL") or default.email,
        phone=env.get("CRM_PRIVACY_PHONE") or default.phone,
    )


def _development_secret(data_dir: Path) -> str:
    path = data_dir / "secret.key"
    private_directory(data_dir)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


class PrivacyGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view: callers resolved once per request (bearer token, or session
    cookie plus CSRF header), one typed Context, GraphiQL for staff only."""

    def __init__(self, settings: Settings, auth: AuthConfig) -> None:
        super().__init__(build_schema(), allow_queries_via_get=False, graphql_ide="graphiql")
        self.settings, self.auth = settings, auth
        # One store for every request, so concurrent requests' audits commit together.
        self.audit_store = settings.audit_store or TortoiseAuditStore()
        self.pseudonym_key: bytes | None = None  # read once in the lifespan (P5.F research)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope, receive)
            resolved = await resolve_caller(request, self.auth.sessions)
            if not _csrf_ok(request, resolved):
                await events.record(
                    Kind.AUTHORIZATION_FAILURE,
                    actor=resolved.caller.login if resolved else None,
                    account_id=resolved.caller.account_id if resolved else None,
                    client_address=request.client.host if request.client else None,
                    detail="CSRF",
                )
                refusal = PlainTextResponse("CSRF token missing or wrong.", status_code=403)
                await refusal(scope, receive, send)
                return
            scope.setdefault("state", {})["resolved"] = resolved
        await super().__call__(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        # orjson.JSONDecodeError is a json.JSONDecodeError: Strawberry still answers 400.
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        resolved: Resolved | None = (
            request.state.resolved if hasattr(request.state, "resolved") else None
        )
        context = build_context(
            caller=resolved.caller if resolved else None,
            session=resolved.session if resolved else None,
            audit_store=self.audit_store,
            header_purpose=request.headers.get("x-purpose"),
            client_address=request.client.host if request.client else None,
            auth=self.auth,
            pseudonym_key=self.pseudonym_key,
            epsilon_budget=self.settings.epsilon_budget,
            privacy_contact=self.settings.privacy_contact,
            delivery=OutboxDelivery(self.auth.box),  # answers to rights requests (P7.3)
            notices=OutboxNotices(),  # business transfers (P8.3), leak incidents
            response=response,
            # Behind a TLS-terminating proxy the scheme may read http: production always marks
            # cookies Secure.
            secure_transport=self.settings.production or request.url.scheme == "https",
        )
        if response is not None:
            response.headers["X-Request-ID"] = context.request_id
        return context

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from our own built files (no CDN), sending our CSRF header."""
        denied = _refuse_unless_staff(request.state.resolved)
        return denied or web_page("graphiql.html", IDE_CSP)


def web_page(name: str, csp: str = CSP) -> Response:
    """A page of the built front end, under a Content-Security-Policy."""
    path = WEB_DIST / name
    if not path.is_file():
        return PlainTextResponse("Front end not built: cd web && npm ci && npm run build", 503)
    headers = {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }
    return HTMLResponse(path.read_text(encoding="utf-8"), headers=headers)


def _csrf_ok(request: Request, resolved: Resolved | None) -> bool:
    """Cookie-authenticated requests that could change something must carry the CSRF token
    (the session's, in the X-CSRF-Token header); bearer tokens are not sent by browsers."""
    session = resolved.session if resolved is not None else None
    if session is None or not session.browser or request.method in ("GET", "HEAD", "OPTIONS"):
        return True
    return csrf_matches(session, request.headers.get(CSRF_HEADER))


async def resolve_caller(request: Request, policy: SessionPolicy) -> Resolved | None:
    now = datetime.now(UTC)
    token = bearer_token(request.headers.get("authorization"))
    if token is not None:
        return await from_bearer(token, policy=policy, now=now)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return await from_session_token(cookie, policy=policy, now=now, browser=True)
    return None


def _refuse_unless_staff(resolved: Resolved | None) -> Response | None:
    if resolved is None or resolved.caller.stage is not Stage.FULL:
        return PlainTextResponse("Authentication required.", status_code=401)
    if resolved.caller.role not in INTROSPECTION_ROLES:
        return PlainTextResponse("Forbidden.", status_code=403)
    return None


@asynccontextmanager
async def outbox_worker(outbox: OutboxSettings, box: SecretBox) -> AsyncIterator[None]:
    """The notification outbox's worker, for as long as the server runs."""
    if outbox.smtp is None:
        log.warning("CRM_SMTP_HOST is not set: e-mail notifications wait in the outbox")
    task = asyncio.create_task(run_worker(box, outbox.transports(), interval=outbox.interval))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@asynccontextmanager
async def audit_sequencer(settings: Settings, key: SigningKey) -> AsyncIterator[None]:
    """The audit log's sequencer (tlog.sequencer), every few seconds, off the request path."""
    if settings.audit_interval <= 0:
        yield
        return
    sequencer = Sequencer(key, LogFiles(settings.data_dir))
    task = asyncio.create_task(sequence_forever(sequencer, settings.audit_interval))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def create_app(settings: Settings) -> Starlette:
    auth = settings.auth_config()
    audit_key = settings.audit_key()
    graphql = PrivacyGraphQL(settings, auth)

    async def sdl(request: Request) -> Response:
        denied = _refuse_unless_staff(await resolve_caller(request, auth.sessions))
        return denied or PlainTextResponse(str(graphql.schema), media_type="application/graphql")

    async def health(_: Request) -> Response:
        return PlainTextResponse("ok")

    async def spa(_: Request) -> Response:
        return web_page("index.html")

    async def checkpoint(_: Request) -> Response:
        latest = await latest_checkpoint(get_connection("default"))
        if latest is None:
            return PlainTextResponse("No checkpoint yet.", status_code=404)
        return PlainTextResponse(latest.note)

    async def verifier_key(_: Request) -> Response:
        return PlainTextResponse(audit_key.verifier.text() + "\n")

    async def policy(_: Request) -> Response:
        return HTMLResponse(policy_page.render(settings.privacy_contact))

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        private_directory(settings.data_dir)
        create_private_database(settings.database_url)
        await Tortoise.init(
            config=tortoise_config(settings.database_url),
            _enable_global_fallback=True,  # requests run in other tasks than the lifespan
        )
        try:
            await apply_migrations()
            protect_database(settings.database_url)
            graphql.pseudonym_key = await deployment_key()
            if settings.demo:
                await ensure_demo(
                    settings.data_dir, customers=settings.demo_customers, box=auth.box
                )
            async with (
                outbox_worker(settings.outbox_settings(), auth.box),
                audit_sequencer(settings, audit_key),
            ):
                yield
        finally:
            await Tortoise.close_connections()

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/schema.graphql", sdl),
            Route("/healthz", health),
            Route("/", spa),
            Mount("/assets", StaticFiles(directory=WEB_DIST / "assets", check_dir=False)),
            Route("/audit/checkpoint", checkpoint),
            Route("/audit/key", verifier_key),
            Route("/policy", policy),
        ],
        middleware=[Middleware(AccessLogMiddleware, paths=PATHS, reverse_dns=settings.reverse_dns)],
        lifespan=lifespan,
    )


def audit_target(data_dir: str) -> audit_command.Target:
    settings = Settings.from_env(data_dir=data_dir)
    return audit_command.Target(settings.database_url, settings.data_dir, settings.audit_key)


def purge_main(argv: list[str]) -> None:
    """`python server.py purge [--dry-run] [--on DATE] [--data-dir D]` (P7.4)."""
    args = purge_command.parse(argv)
    settings = Settings.from_env(data_dir=args.data_dir)
    asyncio.run(
        purge_command.run(
            settings.database_url, on=args.on, dry_run=args.dry_run, out=sys.stdout, err=sys.stderr
        )
    )


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["verify-audit"]:
        raise SystemExit(audit_command.main(argv[1:], audit_target))
    if argv[:1] == ["purge"]:
        purge_main(argv[1:])
        return

    parser = argparse.ArgumentParser(description="Privacy-enforcing CRM GraphQL API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data-dir", default="./data")
    parser.add_argument("--demo", action="store_true", help="seed demo data into an empty db")
    parser.add_argument("--demo-customers", type=int, default=1000)
    args = parser.parse_args(argv)
    os.umask(0o077)  # whatever the server or SQLite creates is readable by this user only
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = Settings.from_env(
            data_dir=args.data_dir, demo=args.demo, customers=args.demo_customers
        )
        app = create_app(settings)
    except SettingsError as error:
        parser.exit(2, f"{error}\n")
    # uvicorn's own access log would print query strings; ours (P6.1) is in the database.
    uvicorn.run(app, host=args.host, port=args.port, access_log=False)


if __name__ == "__main__":
    main()
