"""APPI art. 33: a customer reads who read, used or received its data — the audit about it
and its records of provision to third parties (art. 33(5)), newest first — never anyone
else's; staff are named by login, others by role only."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from directives.context import Caller
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry, BusinessTransfer, Customer, Notification, Provider, ProvisionRecord
from models.outbox import DeliveryState
from models.third_parties import ProviderKind
from rights.package import build
from tests.conftest import World, code_of, run
from tests.resolvers.third_parties.test_delivery import PRODUCE
from tests.resolvers.third_parties.test_disclosures import DECIDE, REQUEST, _request, _second_admin
from tests.resolvers.third_parties.test_partners import LIST
from tests.resolvers.third_parties.test_transfers_incidents import EFFECTIVE, NOTICE, PLAN
from tests.resolvers.third_parties.test_transfers_incidents import _run as run_with_outbox

MINE = """{ myAccessHistory(first: 100) { nodes { role login purpose about typeName
  fields { field decision } } } }"""
EVENTS = """query H($first: Int, $after: String) { myAccessHistory(first: $first, after: $after) {
  nodes { kind at role login purpose ground recipient about uses { field use } }
  pageInfo { endCursor hasNextPage } } }"""


def _ok(result: Any) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return result.data  # type: ignore[no-any-return]


async def test_a_customer_sees_who_read_its_data_and_nothing_else(
    schema: PrivacySchema, world: World
) -> None:
    me, other = world.customers[0], world.customers[1]
    one = "query Q($id: ID!) @purpose(code: %s) { customer(id: $id) { name phone } }"
    await run(schema, one % "C", world.caller(Role.SUPPORT), variables={"id": me.id})
    await run(schema, one % "A", world.caller(Role.AGENT), variables={"id": me.id})
    await run(schema, one % "C", world.caller(Role.SUPPORT), variables={"id": other.id})
    await run(
        schema,
        "query @purpose(code: E) { customers { nodes { name birthDate } } }",
        world.caller(Role.BILLING),
    )
    result, _ = await run(schema, MINE, world.caller(Role.CUSTOMER))
    nodes = _ok(result)["myAccessHistory"]["nodes"]
    assert [(n["role"], n["login"], n["purpose"]) for n in nodes] == [  # newest first
        ("BILLING", "t-billing", "E"),
        ("AGENT", None, "A"),  # agents by role only
        ("SUPPORT", "t-support", "C"),
    ]
    assert nodes[0]["fields"] == [
        {"field": "name", "decision": "CLEAR"},
        {"field": "birthDate", "decision": "DENIED"},
    ]
    assert {n["about"] for n in nodes} == {"Customer"}
    # Exactly the audit rows about me: the support's read of the other customer is not here.
    about_me = await AuditEntry.filter(subject_type="Customer", subject_id=me.id).count()
    assert len(nodes) == about_me
    assert await AuditEntry.filter(subject_type="Customer", subject_id=other.id).count() == 2


async def test_only_customers_ask_for_their_own_access_history(
    schema: PrivacySchema, world: World
) -> None:
    for role in (Role.SUPPORT, Role.AUDITOR, Role.AGENT):
        result, _ = await run(schema, MINE, world.caller(role))
        assert result.errors and code_of(result.errors[0]) == "FORBIDDEN"


def _as_customer(world: World, customer: Customer) -> Caller:
    return dataclasses.replace(
        world.caller(Role.CUSTOMER), customer_id=customer.id, login=f"t-customer-{customer.id}"
    )


async def _history(schema: PrivacySchema, caller: Caller, first: int = 100) -> list[Any]:
    nodes: list[Any] = []
    after = None
    while True:
        result, _ = await run(schema, EVENTS, caller, variables={"first": first, "after": after})
        page = _ok(result)["myAccessHistory"]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def _provide_in_every_way(schema: PrivacySchema, world: World, me: Customer) -> None:
    """A partner's read (me and another subscriber), a delivery manifest and an exceptional
    disclosure about me alone, then a business transfer (everyone)."""
    partner, _ = await run(schema, LIST, world.caller(Role.PARTNER))
    assert partner.errors is None
    carrier = await Provider.create(name="ヤマト配送株式会社", kind=ProviderKind.CARRIER)
    ids = {"carrier": str(carrier.id), "ids": [str(me.id)]}
    manifest, _ = await run(schema, PRODUCE % "E", world.caller(Role.BILLING), variables=ids)
    assert manifest.errors is None, manifest.errors
    asked = _request(world, customerIds=[str(me.id)])
    requested, _ = await run(schema, REQUEST, world.caller(Role.SUPPORT), variables={"r": asked})
    disclosure = requested.data["requestDisclosure"]["id"]  # type: ignore[index]
    decided, _ = await run(
        schema, DECIDE, await _second_admin(), variables={"id": disclosure, "approve": True}
    )
    assert decided.errors is None, decided.errors
    admin = world.caller(Role.ADMIN)
    today = datetime.now(UTC).date()
    on = (today + timedelta(days=70)).isoformat()
    plan = await run_with_outbox(schema, PLAN, admin, on=on)
    tid = plan.data["planBusinessTransfer"]["id"]  # type: ignore[index]
    await run_with_outbox(schema, NOTICE, admin, id=tid)
    # Every notice sent 63 days ago (the outbox's worker, with the clock moved back).
    past = datetime.now(UTC) - timedelta(days=63)
    await Notification.filter(topic=f"transfer:{tid}").update(
        state=DeliveryState.SENT, sent_at=past
    )
    await BusinessTransfer.filter(id=int(tid)).update(planned_on=today)
    done = await run_with_outbox(schema, EFFECTIVE, admin, id=tid)
    assert done.errors is None, done.errors


async def test_each_provision_is_in_the_persons_history_and_nobody_elses(
    schema: PrivacySchema, world: World
) -> None:
    me, subscriber, bystander = world.customers[1], world.customers[3], world.customers[2]
    await _provide_in_every_way(schema, world, me)
    grounds = {}
    for person in (me, subscriber, bystander):
        nodes = await _history(schema, _as_customer(world, person), first=3)
        given = [n for n in nodes if n["kind"] == "PROVISION"]
        grounds[person.id] = sorted(n["ground"] for n in given)
        # The mechanism: every line is one of the person's own audit entries or provision
        # records, each once: nothing about anyone else comes back.
        assert len(given) == await ProvisionRecord.filter(customer_id=person.id).count()
        entries = await AuditEntry.filter(subject_type="Customer", subject_id=person.id).count()
        assert len(nodes) - len(given) == entries
        assert all(n["role"] == "THIRD_PARTY" and n["purpose"] is None for n in given)
        times = [n["at"] for n in nodes]
        assert times == sorted(times, reverse=True)  # newest first, across the pages
    assert grounds[me.id] == ["AUTHORITY", "BUSINESS_TRANSFER", "DELIVERY", "NDA"]
    assert grounds[subscriber.id] == ["BUSINESS_TRANSFER", "NDA"]  # read by the partner too
    assert grounds[bystander.id] == ["BUSINESS_TRANSFER"]
    # The disclosure package (P7.3) lists the same records, and only the person's.
    for person in (me, subscriber, bystander):
        package = await build(person, at=datetime.now(UTC), purposes={})
        records = package["provision_records"]["records"]
        assert sorted(r["ground"] for r in records) == grounds[person.id]
        assert package["provision_records"]["statement"] is None
    nodes = await _history(schema, _as_customer(world, me))
    delivery = next(n for n in nodes if n["ground"] == "DELIVERY" and n["kind"] == "PROVISION")
    assert delivery["recipient"] == "ヤマト配送株式会社"
    assert {u["use"] for u in delivery["uses"]} == {"PROVIDE"}
    # The staff member's act is in the history too, as a provision under its ground.
    handed = [n for n in nodes if n["kind"] == "READ_OR_USE" and n["ground"] is not None]
    assert sorted((n["role"], n["ground"]) for n in handed) == [
        ("ADMIN", "AUTHORITY"),
        ("BILLING", "DELIVERY"),
    ]


async def test_pages_of_the_history_neither_repeat_nor_skip(
    schema: PrivacySchema, world: World
) -> None:
    me = world.customers[1]
    await _provide_in_every_way(schema, world, me)
    caller = _as_customer(world, me)
    whole = await _history(schema, caller, first=1000)
    for size in (1, 2, 5):
        paged = await _history(schema, caller, first=size)
        assert paged == whole
    bad, _ = await run(schema, EVENTS, caller, variables={"after": "aDp4OnF5"})
    assert bad.errors and code_of(bad.errors[0]) == "BAD_INPUT"
