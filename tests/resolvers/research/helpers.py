"""Shared pieces of the research tests: analysts with their own budgets, a realistic world."""

from __future__ import annotations

import random
import uuid
from typing import Any

from strawberry.types import ExecutionResult

import demo
from demo.sales import option_catalogue, seed_contracts, seed_subscriptions
from directives.context import Caller
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import Account, Customer
from resolvers.context import build_context
from schema.context import Context
from tests.conftest import code_of


async def analyst() -> Caller:
    """A fresh analyst account: its privacy budget is untouched."""
    account = await Account.create(login=f"analyst-{uuid.uuid4().hex[:8]}", role=Role.ANALYST)
    return Caller(account_id=account.id, login=account.login, role=Role.ANALYST)


async def ask(
    schema: PrivacySchema,
    query: str,
    caller: Caller,
    *,
    epsilon_budget: float | None = None,
    variables: dict[str, Any] | None = None,
) -> tuple[ExecutionResult, Context]:
    context = build_context(caller=caller, epsilon_budget=epsilon_budget)
    result = await schema.execute(query, variable_values=variables, context_value=context)
    return result, context


def data(result: ExecutionResult) -> dict[str, Any]:
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def code(result: ExecutionResult) -> str:
    assert result.errors, "expected an error"
    return str(code_of(result.errors[0]))


async def seed_realistic(customers: int = 1_000, seed: int = 2009) -> None:
    """The demo's customers (Faker ja_JP), contracts and options, as `server.py --demo` seeds
    them: realistic in size and spread (invoices and the rest are not needed here)."""
    await demo.seed(customers=customers, seed_value=seed, business=False)
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    contracts = await seed_contracts(await Customer.all().order_by("id"), rng)
    await seed_subscriptions(contracts, await option_catalogue(), rng)
