"""The yardstick of `scripts/http_bench.py`: a bare Strawberry + Starlette + Tortoise app that
serves the same `Customer` fields from a copy of the same database, with no authentication,
no purposes, no masks and no audit — what a team would write without this project.

    .venv/bin/python scripts/bare_peer.py --database-url URL --port P
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL
from tortoise import Tortoise, fields
from tortoise.models import Model


class Customer(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120)
    name_kana = fields.CharField(max_length=120)
    birth_date = fields.DateField(null=True)
    postal_code = fields.CharField(max_length=10)
    address = fields.CharField(max_length=255)
    phone = fields.CharField(max_length=20)
    fax = fields.CharField(max_length=20)
    email = fields.CharField(max_length=254)
    account_number = fields.CharField(max_length=20)
    account_holder = fields.CharField(max_length=120)

    class Meta:
        table = "customer"
        app = "bare"


@strawberry.type(name="Customer")
class CustomerType:
    id: strawberry.ID
    name: str
    name_kana: str
    birth_date: datetime.date | None
    postal_code: str
    address: str
    phone: str
    fax: str
    email: str
    account_number: str
    account_holder: str


@strawberry.type
class Page:
    nodes: list[CustomerType]


def _node(row: Customer) -> CustomerType:
    return CustomerType(
        id=strawberry.ID(str(row.id)),
        **{f: getattr(row, f) for f in CustomerType.__annotations__ if f != "id"},
    )


@strawberry.type
class Query:
    @strawberry.field
    async def customers(self, first: int = 50) -> Page:
        rows = await Customer.all().order_by("id").limit(first)
        return Page(nodes=[_node(r) for r in rows])


def create_app(database_url: str) -> Starlette:
    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await Tortoise.init(
            db_url=database_url, modules={"bare": [__name__]}, _enable_global_fallback=True
        )
        yield
        await Tortoise.close_connections()

    graphql = GraphQL(strawberry.Schema(query=Query), allow_queries_via_get=False)
    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description="Bare Strawberry peer (see docstring).")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_app(args.database_url)
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
