"""Shared fixtures: a real database per test (SQLite in memory, or PostgreSQL in CI), a small
known world of customers, agents and accounts, and a helper to run operations as a caller.

Set CRM_TEST_DATABASE_URL=postgres://user@host:port/db to run the suite against PostgreSQL:
each test then gets its own freshly created database, dropped afterwards. An unreachable
server is an error, never a skip.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from graphql import GraphQLError
from strawberry.types import ExecutionResult
from tortoise.context import TortoiseContext

from auth.partners import partner_reach
from directives.audit import AuditStore
from directives.context import Caller
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import (
    Account,
    Agent,
    Contract,
    Customer,
    Nda,
    NdaOption,
    OptionService,
    OptionSubscription,
    Provider,
)
from models.contracts import Plan
from models.db import apply_migrations, tortoise_config
from models.third_parties import ProviderKind
from resolvers.app_schema import build_schema
from resolvers.context import build_context
from rights.delivery import Delivery
from schema.context import Context

PG_URL = os.environ.get("CRM_TEST_DATABASE_URL")
pytest_plugins = ["tests.mailbox"]  # the `mailbox` fixture: a local SMTP server


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _migrate(url: str) -> None:
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        await apply_migrations()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass, tests that never touch its database (marked `sqlite_only`: a
    server process on a SQLite data directory, SQLite's own files) are not run a second time."""
    if not PG_URL:
        return
    again = pytest.mark.skip(
        reason="SQLite only, whatever the suite's database: the SQLite pass runs it"
    )
    for item in items:
        if item.get_closest_marker("sqlite_only") is not None:
            item.add_marker(again)


class _Copies:
    """PostgreSQL: this test process's copies of the template, made one ahead and dropped
    behind on a thread of its own, over one admin connection. CREATE DATABASE ... TEMPLATE
    writes the whole copy (~10 MB) to the WAL and waits on the server's disk (60-400 ms a
    copy here); a test no longer waits for it, nor for the DROP."""

    def __init__(self, template: str) -> None:
        assert PG_URL is not None
        self.template = template
        self.url_base = PG_URL
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._lock = asyncio.Lock()  # made for _loop: used only there
        url = PG_URL.replace("postgres://", "postgresql://", 1)
        self._conn: asyncpg.Connection = self._submit(asyncpg.connect(url)).result()
        self._pending: list[Future[Any]] = []
        self._next = self._submit(self._create())

    def _submit(self, work: Any) -> Future[Any]:
        return asyncio.run_coroutine_threadsafe(work, self._loop)

    async def _admin(self, sql: str) -> None:
        async with self._lock:
            await self._conn.execute(sql)

    async def _create(self) -> str:
        name = f"crm_test_{uuid.uuid4().hex[:12]}"
        await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return name

    async def take(self) -> str:
        """A fresh copy, private to the caller; the next one is started at once."""
        ready, self._next = self._next, self._submit(self._create())
        return str(await asyncio.wrap_future(ready))

    def discard(self, name: str) -> None:
        self._pending = [f for f in self._pending if not f.done()]
        self._pending.append(self._submit(self._admin(f'DROP DATABASE "{name}" WITH (FORCE)')))

    def close(self) -> None:
        """Every copy dropped (errors raised here), the connection and the thread ended."""
        try:
            for future in [*self._pending, self._next]:
                future.result()
            self.discard(self._next.result())
            for future in self._pending:
                future.result()
        finally:
            self._submit(self._conn.close()).result()
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | _Copies]:
    """One database migrated with Tortoise's own migrations (as the server runs them), copied
    for each test: a SQLite file, or a PostgreSQL template database (its copies made ahead)."""
    if not PG_URL:
        path = tmp_path_factory.mktemp("template") / "crm.sqlite3"
        asyncio.run(_migrate(f"sqlite://{path}"))
        yield str(path)
        return
    name = f"crm_template_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(PG_URL, f'CREATE DATABASE "{name}"'))
    try:
        asyncio.run(_migrate(_with_database(PG_URL, name)))
        copies = _Copies(name)
        try:
            yield copies
        finally:
            copies.close()
    finally:
        asyncio.run(_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def db(template: str | _Copies, tmp_path: Path) -> AsyncIterator[TortoiseContext]:
    """A fresh copy of the migrated template, private to this test."""
    if isinstance(template, _Copies):
        name = await template.take()
        url = _with_database(template.url_base, name)
    else:
        copy = tmp_path / "crm.sqlite3"
        shutil.copyfile(template, copy)
        url = f"sqlite://{copy}"
    try:
        async with TortoiseContext() as ctx:
            await ctx.init(config=tortoise_config(url))
            yield ctx
    finally:
        if isinstance(template, _Copies):
            template.discard(name)


@pytest.fixture(scope="session")
def schema() -> PrivacySchema:
    return build_schema()


@dataclass
class World:
    """A small known data set: two agents, five customers, one account per role."""

    agent1: Agent
    agent2: Agent
    customers: list[Customer]  # [0..2] agent1's, [3] agent2's, [4] direct
    callers: dict[Role, Caller]

    def caller(self, role: Role) -> Caller:
        return self.callers[role]


TODAY = date.today()
PARTNER_CATEGORIES = ["NAME", "ADDRESS", "PHONE"]  # what the world's partner's NDA names


async def partner_provider(subscribers: list[Customer]) -> Provider:
    """An option provider whose NDA in force covers one option, which `subscribers` have."""
    provider = await Provider.create(
        name="株式会社バックアップ工房", kind=ProviderKind.OPTION_PROVIDER
    )
    option = await OptionService.create(
        code="P-BACKUP", name="外部バックアップ", monthly_fee=500, provider=provider.name
    )
    nda = await Nda.create(
        provider=provider,
        reference="NDA-TEST-1",
        categories=PARTNER_CATEGORIES,
        valid_from=TODAY - timedelta(days=30),
        valid_until=TODAY + timedelta(days=365),
    )
    await NdaOption.create(nda=nda, option=option)
    for customer in subscribers:
        contract = await Contract.create(
            customer=customer, plan=Plan.STANDARD, monthly_fee=5_500, started_on=TODAY
        )
        await OptionSubscription.create(contract=contract, option=option, started_on=TODAY)
    return provider


async def make_world() -> World:
    agent1 = await Agent.create(
        code="AG1",
        name="山田商事株式会社",
        phone="03-1111-2222",
        email="info@yamada.example",
        bank_name="みずほ銀行",
        bank_branch="本店",
        account_number="1234567",
        account_holder="ヤマダシヨウジ",
    )
    agent2 = await Agent.create(
        code="AG2",
        name="佐藤販売合同会社",
        phone="06-3333-4444",
        email="sato@sato.example",
        account_number="7654321",
        account_holder="サトウハンバイ",
    )
    rows = []
    for n, agent in enumerate([agent1, agent1, agent1, agent2, None]):
        rows.append(
            await Customer.create(
                name=f"鈴木 花子{n}",
                name_kana=f"スズキ ハナコ{n}",
                birth_date=f"198{n}-04-1{n}",
                postal_code=f"150-000{n}",
                address=f"東京都渋谷区道玄坂{n}-2-3",
                phone=f"090-1234-567{n}",
                fax=f"03-9876-543{n}",
                email=f"hanako{n}@mail.example",
                bank_name="三井住友銀行",
                bank_branch="渋谷支店",
                account_number=f"000123{n}",
                account_holder=f"スズキ ハナコ{n}",
                agent=agent,
                marketing_opt_out=(n == 2),
                survey_opt_out=(n == 1),
            )
        )
    provider = await partner_provider(subscribers=[rows[1], rows[3]])
    callers: dict[Role, Caller] = {}
    for role in Role:
        account = await Account.create(
            login=f"t-{role.value.lower()}",
            role=role,
            customer_id=rows[0].id if role is Role.CUSTOMER else None,
            agent_id=agent1.id if role is Role.AGENT else None,
            provider_id=provider.id if role is Role.PARTNER else None,
        )
        reach = await partner_reach(provider.id, TODAY) if role is Role.PARTNER else None
        callers[role] = Caller(
            account_id=account.id,
            login=account.login,
            role=role,
            customer_id=account.customer_id,
            agent_id=account.agent_id,
            partner=reach,
        )
    return World(agent1, agent2, rows, callers)


@pytest.fixture
async def world(db: TortoiseContext) -> World:
    return await make_world()


async def run(
    schema: PrivacySchema,
    query: str,
    caller: Caller | None,
    *,
    variables: dict[str, Any] | None = None,
    header_purpose: str | None = None,
    audit_store: AuditStore | None = None,
    operation_name: str | None = None,
    delivery: Delivery | None = None,
    confirm_caller: Callable[[], Awaitable[bool]] | None = None,
) -> tuple[ExecutionResult, Context]:
    context = build_context(
        caller=caller,
        confirm_caller=confirm_caller,
        audit_store=audit_store,
        header_purpose=header_purpose,
        client_address="203.0.113.7",
        delivery=delivery,
    )
    result = await schema.execute(
        query, variable_values=variables, context_value=context, operation_name=operation_name
    )
    return result, context


H = TypeVar("H", bound=logging.Handler)


@contextmanager
def sql_log(handler: H) -> Iterator[H]:
    """Attach `handler` to Tortoise's SQL log (DEBUG) for the block: tests count statements."""
    logger = logging.getLogger("tortoise.db_client")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def code_of(error: GraphQLError) -> object:
    """The `extensions.code` of an error (None when it has none)."""
    return (error.extensions or {}).get("code")


@pytest.fixture
async def business(world: World) -> Any:
    """Business records (contracts, invoices, margins, contact, campaigns, survey) for `world`."""
    from tests.business_world import make_business

    return await make_business(world)
