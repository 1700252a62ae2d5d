"""Research (P5.F) cannot single a person out: rows only in groups of at least MIN_GROUP
quasi-identifiers, aggregates with complementary suppression; the analyst cannot search."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from resolvers.research.anonymise import deployment_key, groups
from tortoise.context import TortoiseContext

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import Contract, Customer, OptionSubscription, ResearchKey
from models.contracts import PLAN_FEES, Plan
from schema.research.view import MIN_GROUP
from tests.business_world import Business
from tests.conftest import World, code_of, run

RECORDS = """query @purpose(code: F) { researchRecords { nodes { pseudonym plan monthlyFee
  optionCount birthDate postalCode address } } }"""


def _ok(result: Any) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return result.data  # type: ignore[no-any-return]


async def _twins(business: Business, count: int, plan: Plan = Plan.STANDARD) -> list[Customer]:
    """`count` customers sharing birth year, postal prefix, prefecture, plan and options."""
    made = []
    for n in range(count):
        customer = await Customer.create(
            name=f"双子 {n}",
            birth_date=f"1990-0{n % 9 + 1}-01",
            postal_code=f"160-00{n:02d}",
            address=f"東京都新宿区{n}",
        )
        contract = await Contract.create(
            customer=customer, plan=plan, monthly_fee=PLAN_FEES[plan], started_on=date(2026, 4, 1)
        )
        await OptionSubscription.create(
            contract=contract, option=business.option, started_on=date(2026, 4, 1)
        )
        made.append(customer)
    return made


async def test_records_unique_in_their_quasi_identifiers_are_withheld(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    # The world's five customers differ by birth year: each is alone in its group.
    result, _ = await run(schema, RECORDS, world.caller(Role.ANALYST))
    assert _ok(result)["researchRecords"]["nodes"] == []
    await _twins(business, MIN_GROUP - 1)
    result, _ = await run(schema, RECORDS, world.caller(Role.ANALYST))
    assert _ok(result)["researchRecords"]["nodes"] == []


async def test_records_shared_by_a_group_of_min_group_are_returned(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    await _twins(business, MIN_GROUP)
    await _twins(business, 1, plan=Plan.PREMIUM)  # a lone premium twin stays hidden
    result, _ = await run(schema, RECORDS, world.caller(Role.ANALYST))
    nodes = _ok(result)["researchRecords"]["nodes"]
    assert len(nodes) == MIN_GROUP
    assert {(n["birthDate"], n["postalCode"], n["address"], n["plan"]) for n in nodes} == {
        ("1990-**-**", "160-****", "東京都 ***", "STANDARD")
    }
    assert [n["pseudonym"] for n in nodes] == sorted(n["pseudonym"] for n in nodes)


def test_one_suppressed_group_takes_the_next_smallest_with_it() -> None:
    keys = ["A"] * 9 + ["B"] * 6 + ["C"] * 7 + ["D"] * 2
    shown = {g.key: g.count for g in groups(keys)}
    # Without B hidden too, total minus A, B and C would reveal D's 2.
    assert shown == {"A": 9, "B": None, "C": 7, "D": None}


def test_two_suppressed_groups_need_no_complement() -> None:
    keys = ["A"] * 9 + ["B"] * 6 + ["C"] * 1 + ["D"] * 2
    shown = {g.key: g.count for g in groups(keys)}
    assert shown == {"A": 9, "B": 6, "C": None, "D": None}


async def test_aggregate_hides_the_complement_of_a_lone_small_group(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    await _twins(business, 6)
    await Contract.filter(customer_id=world.customers[0].id).update(cancelled_on="2026-10-31")
    query = "query @purpose(code: F) { researchAggregate(dimension: PLAN) { key count } }"
    result, _ = await run(schema, query, world.caller(Role.ANALYST))
    # STANDARD 10, NONE 1: the only other group is suppressed with it.
    assert _ok(result)["researchAggregate"] == [
        {"key": "NONE", "count": None},
        {"key": "STANDARD", "count": None},
    ]


async def test_analyst_and_auditor_cannot_search_customers(
    schema: PrivacySchema, world: World
) -> None:
    query = "{ customerSearch { totalCount nodes { id } } }"
    for role in (Role.ANALYST, Role.AUDITOR):
        result, _ = await run(schema, query, world.caller(role))
        assert result.errors and code_of(result.errors[0]) == "FORBIDDEN"
        assert result.data is None or result.data.get("customerSearch") is None


async def test_concurrent_first_uses_agree_on_one_deployment_key(db: TortoiseContext) -> None:
    keys = await asyncio.gather(*(deployment_key() for _ in range(5)))
    assert len(set(keys)) == 1 and len(keys[0]) == 32
    assert await ResearchKey.all().count() == 1
    assert await deployment_key() == keys[0]
