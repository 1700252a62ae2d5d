"""Research aggregates (P5.F) are differentially private: every key of a dimension is always
listed, each count carries discrete Laplace noise, and each answer is charged to the analyst's
budget, refused with PRIVACY_BUDGET_EXHAUSTED once spent (also under concurrent requests)."""

from __future__ import annotations

import asyncio
from collections import Counter

from directives.prefectures import PREFECTURES
from directives.privacy_schema import PrivacySchema
from models import Customer, PrivacyBudget
from resolvers.research import noise
from resolvers.research.aggregate import KEYS
from resolvers.research.budget import DEFAULT_TOTAL, MICRO
from schema.research.view import ResearchDimension
from tests.business_world import Business
from tests.conftest import World
from tests.resolvers.research.helpers import analyst, ask, code, data

AGGREGATE = """query A($dimension: ResearchDimension!, $epsilon: Float!) @purpose(code: F) {
  researchAggregate(dimension: $dimension, epsilon: $epsilon) {
    dimension epsilon noiseScale groups { key count }
    budget { total spent remaining answers } } }"""
BUDGET = "{ researchBudget { total spent remaining answers } }"


def _vars(dimension: str = "PREFECTURE", epsilon: float = 1.0) -> dict[str, object]:
    return {"dimension": dimension, "epsilon": epsilon}


async def test_every_key_is_listed_whoever_the_customers_are(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    """The keys never depend on the data: a key cannot give away that someone lives there."""
    caller = await analyst()
    first, _ = await ask(schema, AGGREGATE, caller, variables=_vars())
    await Customer.create(name="鳥取 一郎", address="鳥取県鳥取市東町1-220")
    second, _ = await ask(schema, AGGREGATE, caller, variables=_vars())
    expected = [*PREFECTURES, "OTHER"]
    for result in (first, second):
        assert [g["key"] for g in data(result)["researchAggregate"]["groups"]] == expected
    plans, _ = await ask(schema, AGGREGATE, caller, variables=_vars("PLAN"))
    keys = [g["key"] for g in data(plans)["researchAggregate"]["groups"]]
    assert keys == ["LIGHT", "STANDARD", "PREMIUM", "NONE", "OTHER"]


async def test_counts_are_noisy_and_each_answer_is_charged(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    caller = await analyst()
    answers = []
    for n in range(1, 6):
        result, _ = await ask(schema, AGGREGATE, caller, variables=_vars("PLAN", 1.0))
        answer = data(result)["researchAggregate"]
        assert answer["epsilon"] == 1.0 and answer["noiseScale"] == 2.0
        assert answer["budget"] == {
            "total": DEFAULT_TOTAL,
            "spent": float(n),
            "remaining": DEFAULT_TOTAL - n,
            "answers": n,
        }
        answers.append(tuple(g["count"] for g in answer["groups"]))
    # The true counts are (0, 5, 0, 0, 0); five noisy answers are not all the same.
    assert len(set(answers)) > 1
    row = await PrivacyBudget.get(account_id=caller.account_id)
    assert (row.spent_micro, row.answers) == (5 * MICRO, 5)


async def test_a_spent_budget_refuses_with_a_code_and_returns_nothing(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    caller = await analyst()
    for _ in range(int(DEFAULT_TOTAL)):
        result, _ = await ask(schema, AGGREGATE, caller, variables=_vars("PLAN", 1.0))
        data(result)
    refused, _ = await ask(schema, AGGREGATE, caller, variables=_vars("PLAN", 0.05))
    assert code(refused) == "PRIVACY_BUDGET_EXHAUSTED"
    assert refused.data is None or refused.data.get("researchAggregate") is None
    assert refused.errors and (refused.errors[0].extensions or {}).get("remaining") == 0
    left, _ = await ask(schema, BUDGET, caller)
    assert data(left)["researchBudget"] == {
        "total": DEFAULT_TOTAL,
        "spent": DEFAULT_TOTAL,
        "remaining": 0,
        "answers": int(DEFAULT_TOTAL),
    }
    # The budget is the analyst's own: another analyst still has all of theirs.
    other, _ = await ask(schema, AGGREGATE, await analyst(), variables=_vars("PLAN", 1.0))
    assert data(other)["researchAggregate"]["budget"]["spent"] == 1.0


async def test_the_deployment_sets_the_total(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    caller = await analyst()
    first, _ = await ask(schema, AGGREGATE, caller, epsilon_budget=1.5, variables=_vars())
    assert data(first)["researchAggregate"]["budget"]["remaining"] == 0.5
    second, _ = await ask(schema, AGGREGATE, caller, epsilon_budget=1.5, variables=_vars())
    assert code(second) == "PRIVACY_BUDGET_EXHAUSTED"


async def test_concurrent_answers_cannot_overspend(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    caller = await analyst()
    results = await asyncio.gather(
        *(ask(schema, AGGREGATE, caller, variables=_vars("PLAN", 1.0)) for _ in range(8))
    )
    answered = [r for r, _ in results if not r.errors]
    refused = [r for r, _ in results if r.errors]
    assert len(answered) == int(DEFAULT_TOTAL)
    assert {code(r) for r in refused} == {"PRIVACY_BUDGET_EXHAUSTED"}
    row = await PrivacyBudget.get(account_id=caller.account_id)
    assert row.spent_micro == int(DEFAULT_TOTAL) * MICRO


async def test_epsilon_outside_its_bounds_is_refused_and_not_charged(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    caller = await analyst()
    for epsilon in (0.0, 0.01, 1.5, 100.0, -1.0):
        result, _ = await ask(schema, AGGREGATE, caller, variables=_vars("PLAN", epsilon))
        assert code(result) == "BAD_INPUT"
    left, _ = await ask(schema, BUDGET, caller)
    assert data(left)["researchBudget"]["spent"] == 0


def test_counts_kept_per_version_are_what_the_mechanism_counts() -> None:
    """An answer adds the plan's noise to counts kept with the census: those counts are what
    OpenDP's own counting makes of the values (each key in order, then OTHER), and the
    released mechanism is that counting followed by that noise."""
    plan = noise.histogram(KEYS[ResearchDimension.PLAN], 0.5)
    values = ["LIGHT"] * 3 + ["PREMIUM"] * 7 + ["NONE"] + ["??"] * 2 + [""]
    assert noise.true_counts(plan, Counter(values)) == list(plan.count(values))
    released = noise.release_tally(plan, Counter(values))
    assert [key for key, _ in released] == list(plan.keys)
    assert plan.epsilon == float(plan.noise.map(plan.count.map(noise.NEIGHBOURS)))
