"""A customer's contracts, invoices and inquiries from `Customer`: admitted by the row of the
root list each mirrors, scoped like it, enforced and audited like it, and batched."""

from __future__ import annotations

from typing import Any

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry, AuditRequest, Contract, Customer
from tests.business_world import Business
from tests.conftest import World, code_of, run
from tests.resolvers.test_loaders import counting_selects

VIEW = """query V($id: ID!) %s { customer(id: $id) { name
  contracts { plan } invoices { billingName balance } inquiries { kind subject } } }"""


def _id(customer: Customer) -> dict[str, Any]:
    return {"id": customer.id}


def _refused(result: Any) -> dict[object, object]:
    return {e.path[-1]: code_of(e) for e in result.errors or []}


async def test_support_sees_contracts_but_not_invoices(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    customer = world.customers[0]
    result, _ = await run(
        schema, VIEW % "@purpose(code: C)", world.caller(Role.SUPPORT), variables=_id(customer)
    )
    assert _refused(result) == {"invoices": "FORBIDDEN"}  # support does not bill (P5.E)
    seen = result.data["customer"]  # type: ignore[index]
    assert seen["invoices"] is None
    assert seen["contracts"] == [{"plan": "STANDARD"}]
    assert seen["inquiries"] == [{"kind": "APPLICATION", "subject": "質問"}]  # C: its kind only


async def test_billing_sees_invoices_but_not_inquiries(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    customer = world.customers[0]
    result, context = await run(
        schema, VIEW % "@purpose(code: E)", world.caller(Role.BILLING), variables=_id(customer)
    )
    assert _refused(result) == {"inquiries": "FORBIDDEN"}
    invoices = result.data["customer"]["invoices"]  # type: ignore[index]
    assert invoices == [{"billingName": customer.name, "balance": business.invoices[0].total}]
    request = await AuditRequest.get(request_id=context.request_id)
    audited = await AuditEntry.filter(request_id=request.id, type_name="Invoice").count()
    assert audited == 1  # the linked invoice's values are audited like the root list's


async def test_a_customer_reads_all_its_own(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    own = world.customers[0]
    result, _ = await run(schema, VIEW % "", world.caller(Role.CUSTOMER), variables={"id": own.id})
    assert result.errors is None, result.errors
    seen = result.data["customer"]  # type: ignore[index]
    assert [i["kind"] for i in seen["inquiries"]] == ["APPLICATION", "ADMINISTRATION"]
    assert len(seen["invoices"]) == 1 and len(seen["contracts"]) == 1


async def test_an_agent_sees_its_customers_contracts_in_one_query(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    query = "query @purpose(code: A) { customers { nodes { id contracts { id } } } }"
    with counting_selects() as statements:
        result, _ = await run(schema, query, world.caller(Role.AGENT))
    assert result.errors is None, result.errors
    nodes = result.data["customers"]["nodes"]  # type: ignore[index]
    assert {int(n["id"]) for n in nodes} == {c.id for c in world.customers[:3]}
    for node in nodes:
        theirs = await Contract.filter(customer_id=int(node["id"])).order_by("id")
        assert [c["id"] for c in node["contracts"]] == [str(c.id) for c in theirs]
    assert len(statements.selects) == 2, statements.selects  # customers, then their contracts


async def test_a_partner_gets_no_linked_records(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    customer = world.customers[1]  # subscribed to the partner's option
    result, _ = await run(
        schema, VIEW % "@purpose(code: B)", world.caller(Role.PARTNER), variables=_id(customer)
    )
    assert _refused(result) == {
        "contracts": "FORBIDDEN",
        "invoices": "FORBIDDEN",
        "inquiries": "FORBIDDEN",
    }
