"""Applications (P5.A, P5.B): one active contract per customer, one active subscription of
an option per contract, nothing on a cancelled contract."""

from __future__ import annotations

from datetime import date

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import Contract, OptionSubscription
from tests.business_world import Business
from tests.conftest import World, code_of, run

APPLY = """mutation M($id: ID!) @purpose(code: A) {
  applyForService(customerId: $id, plan: LIGHT, startsOn: "2026-12-01") { plan } }"""
SUBSCRIBE = """mutation M($id: ID!, $code: String!) @purpose(code: B) {
  subscribeOption(contractId: $id, optionCode: $code, startsOn: "2026-12-01") { plan } }"""


def _code(result: object) -> object:
    errors = getattr(result, "errors", None)
    return code_of(errors[0]) if errors else None


async def test_a_customer_with_an_active_contract_cannot_apply_again(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    customer = world.customers[4]
    result, _ = await run(schema, APPLY, world.caller(Role.SUPPORT), variables={"id": customer.id})
    assert _code(result) == "BAD_INPUT"
    assert await Contract.filter(customer_id=customer.id).count() == 1
    await Contract.filter(customer_id=customer.id).update(cancelled_on=date(2026, 11, 30))
    result, _ = await run(schema, APPLY, world.caller(Role.SUPPORT), variables={"id": customer.id})
    assert _code(result) is None, result.errors


async def test_an_option_is_subscribed_once_and_never_on_a_cancelled_contract(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    contract = business.contracts[4]
    variables = {"id": contract.id, "code": "BACKUP"}  # already subscribed
    result, _ = await run(schema, SUBSCRIBE, world.caller(Role.SUPPORT), variables=variables)
    assert _code(result) == "BAD_INPUT"
    assert await OptionSubscription.filter(contract_id=contract.id).count() == 1
    await Contract.filter(id=contract.id).update(cancelled_on=date(2026, 11, 30))
    variables["code"] = "SMS"
    result, _ = await run(schema, SUBSCRIBE, world.caller(Role.SUPPORT), variables=variables)
    assert _code(result) == "BAD_INPUT"
    assert await OptionSubscription.filter(contract_id=contract.id).count() == 1
