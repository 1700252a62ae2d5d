"""Research rows (P5.F) are generalised, not dropped: at k = 5 at least 90 % of customers
appear, every row is identical to at least four others, no value is finer than the policy's
research mask, no id comes back, and rows generalised two ways cannot be joined."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from typing import Any

from tortoise.context import TortoiseContext

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry, AuditRequest, Customer, ResearchKey
from resolvers.research.pseudonyms import deployment_key, pseudonym
from tests.business_world import Business
from tests.conftest import World, run
from tests.resolvers.research.helpers import analyst, ask, code, data, seed_realistic

RECORDS = """query R($after: String) @purpose(code: F) {
  researchRecords(first: 1000, after: $after) {
    generalisation { k scheme steps { field step } }
    pageInfo { endCursor hasNextPage }
    nodes { pseudonym plan monthlyFee { low high } optionCount { low high }
            birthDate postalCode address } } }"""
_QUASI = ("plan", "monthlyFee", "optionCount", "birthDate", "postalCode", "address")
_PREFECTURE_OR_REGION = re.compile(r"^([^\s\d*]+)? \*\*\*$")


async def _all_rows(schema: PrivacySchema, caller: Any) -> tuple[dict[str, Any], list[Any]]:
    nodes, after = [], None
    while True:
        result, _ = await ask(schema, RECORDS, caller, variables={"after": after})
        page = data(result)["researchRecords"]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return page["generalisation"], nodes
        after = page["pageInfo"]["endCursor"]


def _quasi(node: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(node[f]) for f in _QUASI)


def _never_finer_than_the_mask(node: dict[str, Any]) -> None:
    assert re.fullmatch(r"[\d*]{4}-\*\*-\*\*", node["birthDate"])
    assert re.fullmatch(r"[\d*]{3}-\*{4}", node["postalCode"])
    assert _PREFECTURE_OR_REGION.match(node["address"])


async def test_at_k_5_at_least_90_percent_of_a_realistic_world_appear(
    schema: PrivacySchema, db: TortoiseContext
) -> None:
    await seed_realistic(1_000)
    ids = {str(i) for i in await Customer.all().values_list("id", flat=True)}
    generalisation, nodes = await _all_rows(schema, await analyst())
    assert generalisation["k"] == 5
    assert len(nodes) >= 900  # 1,000 customers; before generalising: 0
    groups = Counter(_quasi(n) for n in nodes)
    assert min(groups.values()) >= 5  # no row is rarer than five identical rows
    pseudonyms = [n["pseudonym"] for n in nodes]
    assert len(set(pseudonyms)) == len(nodes) and pseudonyms == sorted(pseudonyms)
    assert not set(pseudonyms) & ids
    for node in nodes:
        _never_finer_than_the_mask(node)


async def test_five_customers_who_differ_by_birth_year_appear_as_one_decade(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    """The world's five customers differ only by birth year (1980-1984): the masks alone left
    each alone in its group (none appeared); the decade puts all five in one."""
    result, context = await run(schema, RECORDS, world.caller(Role.ANALYST))
    page = data(result)["researchRecords"]
    steps = {s["field"]: s["step"] for s in page["generalisation"]["steps"]}
    assert steps == {
        "birthDate": "DECADE",
        "postalCode": "DIGITS_3",
        "address": "PREFECTURE",
        "plan": "PLAN",
        "monthlyFee": "YEN",
        "optionCount": "COUNT",
    }
    assert {_quasi(n) for n in page["nodes"]} == {
        (
            "STANDARD",
            str({"low": 6_600, "high": 6_600}),
            str({"low": 1, "high": 1}),
            "198*-**-**",
            "150-****",
            "東京都 ***",
        )
    }
    assert len(page["nodes"]) == 5
    # Still decided, masked and audited by the enforcement point, one row per customer.
    request = await AuditRequest.get(request_id=context.request_id)
    entries = await AuditEntry.filter(request_id=request.id)
    assert request.purpose == "F"
    assert {e.subject_id for e in entries} == {c.id for c in world.customers}
    assert all(":CLEAR" not in e.fields_decisions for e in entries)


async def test_a_rare_customer_is_hidden_in_a_coarser_group_never_shown_alone(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    await Customer.create(
        name="琉球 太郎",
        birth_date="1950-06-01",
        postal_code="900-0001",
        address="沖縄県那覇市港町1",
    )
    _, nodes = await _all_rows(schema, world.caller(Role.ANALYST))
    assert len(nodes) == 6  # six customers: 90 % needs all six, so everyone is coarsened
    assert len(Counter(_quasi(n) for n in nodes)) == 1
    shown = " ".join(str(_quasi(n)) for n in nodes)
    for revealing in ("195", "900", "沖縄", "九州", "NONE"):
        assert revealing not in shown


async def test_rows_generalised_two_ways_share_no_pseudonym(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    """Joining two answers by pseudonym would combine their finer parts (a decade from one,
    a prefecture from the other); a new scheme therefore means new pseudonyms."""
    caller = world.caller(Role.ANALYST)
    before_scheme, before = await _all_rows(schema, caller)
    again_scheme, again = await _all_rows(schema, caller)
    assert again == before and again_scheme == before_scheme  # stable while the scheme stands
    await Customer.create(name="新 規", birth_date="2001-01-01", postal_code="060-0001")
    after_scheme, after = await _all_rows(schema, caller)
    assert after_scheme["scheme"] != before_scheme["scheme"]
    assert not {n["pseudonym"] for n in before} & {n["pseudonym"] for n in after}


def test_pseudonyms_depend_on_key_id_and_scheme() -> None:
    key, other = b"k" * 32, b"o" * 32
    assert pseudonym(key, 1, "A") == pseudonym(key, 1, "A")
    assert len({pseudonym(key, 1, "A"), pseudonym(key, 2, "A"), pseudonym(key, 1, "B")}) == 3
    assert pseudonym(key, 1, "A") != pseudonym(other, 1, "A")


async def test_no_role_but_the_analyst_may_read_research_rows(
    schema: PrivacySchema, world: World
) -> None:
    for role in Role:
        if role is Role.ANALYST:
            continue
        result, _ = await run(schema, RECORDS.replace("code: F", "code: D"), world.caller(role))
        assert result.data is None or result.data.get("researchRecords") is None
        assert code(result) in {"FORBIDDEN", "PURPOSE_FORBIDDEN"}


async def test_analyst_and_auditor_cannot_search_customers(
    schema: PrivacySchema, world: World
) -> None:
    query = "{ customerSearch { totalCount nodes { id } } }"
    for role in (Role.ANALYST, Role.AUDITOR):
        result, _ = await run(schema, query, world.caller(role))
        assert code(result) == "FORBIDDEN"
        assert result.data is None or result.data.get("customerSearch") is None


async def test_concurrent_first_uses_agree_on_one_deployment_key(db: TortoiseContext) -> None:
    keys = await asyncio.gather(*(deployment_key() for _ in range(5)))
    assert len(set(keys)) == 1 and len(keys[0]) == 32
    assert await ResearchKey.all().count() == 1
    assert await deployment_key() == keys[0]
