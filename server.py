"""The entry point: `python server.py [--demo] [--host H] [--port P] [--data-dir D]`.

`create_app(settings)` builds the Starlette app; Tortoise opens in its lifespan and pending
migrations are applied there. Nothing is global but what Tortoise itself needs (see README).
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from tortoise import Tortoise

from directives.audit import AuditStore
from directives.context import Caller
from directives.guard import INTROSPECTION_ROLES
from models.db import apply_migrations, tortoise_config
from resolvers.app_schema import build_schema
from resolvers.auth import bearer_token, caller_for_token
from resolvers.context import build_context
from resolvers.demo import ensure_demo
from schema.context import Context

log = logging.getLogger("crm.server")


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    demo: bool = False
    demo_customers: int = 1000
    audit_store: AuditStore | None = None  # None: the database (tests inject failing stores)

    @classmethod
    def from_env(cls, *, data_dir: str, demo: bool = False, customers: int = 1000) -> Settings:
        directory = Path(data_dir).resolve()
        url = os.environ.get("DATABASE_URL") or f"sqlite://{directory / 'crm.sqlite3'}"
        return cls(data_dir=directory, database_url=url, demo=demo, demo_customers=customers)


class PrivacyGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI view with our per-request Context and a staff-only GraphiQL."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(build_schema(), allow_queries_via_get=False, graphql_ide="graphiql")
        self.settings = settings

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        caller = await caller_for_token(bearer_token(request.headers.get("authorization")))
        context = build_context(
            caller=caller,
            audit_store=self.settings.audit_store,
            header_purpose=request.headers.get("x-purpose"),
            client_address=request.client.host if request.client else None,
        )
        if response is not None:
            response.headers["X-Request-ID"] = context.request_id
        return context

    async def render_graphql_ide(self, request: Request) -> Response:
        denied = await _refuse_unless_staff(request)
        return denied or await super().render_graphql_ide(request)


async def _refuse_unless_staff(request: Request | WebSocket) -> Response | None:
    caller: Caller | None = await caller_for_token(
        bearer_token(request.headers.get("authorization"))
    )
    if caller is None:
        return PlainTextResponse("Authentication required.", status_code=401)
    if caller.role not in INTROSPECTION_ROLES:
        return PlainTextResponse("Forbidden.", status_code=403)
    return None


def create_app(settings: Settings) -> Starlette:
    graphql = PrivacyGraphQL(settings)

    async def sdl(request: Request) -> Response:
        denied = await _refuse_unless_staff(request)
        return denied or PlainTextResponse(str(graphql.schema), media_type="application/graphql")

    async def health(_: Request) -> Response:
        return PlainTextResponse("ok")

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        await Tortoise.init(
            config=tortoise_config(settings.database_url),
            _enable_global_fallback=True,  # requests run in other tasks than the lifespan
        )
        try:
            await apply_migrations()
            if settings.demo:
                await ensure_demo(settings.data_dir, customers=settings.demo_customers)
            yield
        finally:
            await Tortoise.close_connections()

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/schema.graphql", sdl),
            Route("/healthz", health),
        ],
        lifespan=lifespan,
    )


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Privacy-enforcing CRM GraphQL API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data-dir", default="./data")
    parser.add_argument("--demo", action="store_true", help="seed demo data into an empty db")
    parser.add_argument("--demo-customers", type=int, default=1000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env(
        data_dir=args.data_dir, demo=args.demo, customers=args.demo_customers
    )
    # uvicorn's access log would print query strings; the P6.1 access log comes later.
    uvicorn.run(create_app(settings), host=args.host, port=args.port, access_log=False)


if __name__ == "__main__":
    main()
