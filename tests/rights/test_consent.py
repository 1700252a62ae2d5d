"""P5 consent as records: the person decides through the API, staff take decisions down, an
administrator defines uses outside A-H; a withdrawal takes effect at once, and a policy version
that asks again leaves earlier consents to that use no longer in force."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from directives import policy_versions
from directives.policy_versions import PolicyVersion
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry, AuditRequest, ConsentInForce, ConsentRecord, Customer
from tests.business_world import Business
from tests.conftest import World, code_of, run

SURVEY = """query Q($id: ID!) @purpose(code: G) { surveyResponses(surveyId: $id) { nodes {
  customer { id name } } } }"""


def _ok(result: Any) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return result.data  # type: ignore[no-any-return]


async def _respondents(schema: PrivacySchema, world: World, business: Business) -> set[int]:
    result, context = await run(
        schema, SURVEY, world.caller(Role.MARKETING), variables={"id": business.survey.id}
    )
    nodes = _ok(result)["surveyResponses"]["nodes"]
    request = await AuditRequest.get(request_id=context.request_id)
    audited = {e.subject_id for e in await AuditEntry.filter(request_id=request.id)}
    shown = {int(n["customer"]["id"]) for n in nodes}
    assert audited == shown  # the audit names exactly the people shown
    return shown


async def test_a_customer_withdraws_and_is_left_out_at_once(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    me = world.customers[0]
    assert me.id in await _respondents(schema, world, business)
    withdraw = 'mutation { setMyConsent(use: "G", granted: false) { use granted channel '
    withdraw += "policyVersion noticeText } }"
    result, _ = await run(schema, withdraw, world.caller(Role.CUSTOMER))
    record = _ok(result)["setMyConsent"]
    assert record == {
        "use": "G",
        "granted": False,
        "channel": "WEB",
        "policyVersion": "2009-09-01/1",
        "noticeText": "Questionnaires on satisfaction, policies and preferences",
    }
    assert (await Customer.get(id=me.id)).survey_opt_out
    assert me.id not in await _respondents(schema, world, business)
    stored = await ConsentRecord.get(customer_id=me.id)
    assert (stored.recorded_by, stored.recorded_role) == ("t-customer", "CUSTOMER")


async def test_changing_the_opt_out_through_my_record_is_recorded_as_consent(
    schema: PrivacySchema, world: World
) -> None:
    query = "mutation { updateMyRecord(input: {marketingOptOut: true}) { marketingOptOut } }"
    result, _ = await run(schema, query, world.caller(Role.CUSTOMER))
    assert _ok(result)["updateMyRecord"] == {"marketingOptOut": True}
    record = await ConsentRecord.get(customer_id=world.customers[0].id)
    assert (record.use, record.action, record.channel) == ("H", "WITHDRAWN", "WEB")


async def test_support_records_a_paper_consent_and_reads_the_history(
    schema: PrivacySchema, world: World
) -> None:
    who = world.customers[1]  # opted out of surveys
    grant = """mutation M($id: ID!) @purpose(code: D) {
      recordConsent(customerId: $id, use: "G", granted: true, channel: PAPER) { granted } }"""
    support = world.caller(Role.SUPPORT)
    _ok((await run(schema, grant, support, variables={"id": who.id}))[0])
    assert not (await Customer.get(id=who.id)).survey_opt_out
    history = """query M($id: ID!) { consentRecords(customerId: $id) {
      use granted channel recordedRole } }"""
    result, _ = await run(schema, history, support, variables={"id": who.id})
    assert _ok(result)["consentRecords"] == [
        {"use": "G", "granted": True, "channel": "PAPER", "recordedRole": "SUPPORT"}
    ]
    # A customer cannot record for anyone, nor read another person's records.
    mine = world.caller(Role.CUSTOMER)
    result, _ = await run(schema, history, mine, variables={"id": who.id})
    assert result.errors and code_of(result.errors[0]) == "FORBIDDEN"


async def test_named_use_needs_consent_and_a_new_version_asks_again(
    schema: PrivacySchema, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    define = """mutation { defineNamedUse(code: "partner-seminar", base: H,
      description: "Invitations to partner seminars", noticeText: "We will invite you.") {
      code policyVersion } }"""
    admin = world.caller(Role.ADMIN)
    assert _ok((await run(schema, define, admin))[0])["defineNamedUse"]["code"] == "partner-seminar"
    status = "{ myConsents { use state noticeText } }"
    customer = world.caller(Role.CUSTOMER)

    async def state() -> str:
        rows = _ok((await run(schema, status, customer))[0])["myConsents"]
        return str(next(r["state"] for r in rows if r["use"] == "partner-seminar"))

    assert await state() == "NOT_GIVEN"  # without consent, no use (P5)
    grant = 'mutation { setMyConsent(use: "partner-seminar", granted: true) { granted } }'
    _ok((await run(schema, grant, customer))[0])
    assert await state() == "IN_FORCE"
    assert await ConsentInForce.filter(use="partner-seminar").count() == 1
    asks_again = PolicyVersion(
        "2026-06-01/2", date(2026, 6, 1), "seminars", reconsent=frozenset({"partner-seminar"})
    )
    original = policy_versions.VERSIONS[0]
    monkeypatch.setattr(policy_versions, "VERSIONS", (original, asks_again))
    # Given under the original version; the new one asks again (P11): no longer in force.
    assert await state() == "RENEWAL_NEEDED"
    _ok((await run(schema, grant, customer))[0])
    assert await state() == "IN_FORCE"
    withdraw = 'mutation { setMyConsent(use: "partner-seminar", granted: false) { granted } }'
    _ok((await run(schema, withdraw, customer))[0])
    assert await state() == "WITHDRAWN"
    assert not await ConsentInForce.filter(use="partner-seminar").exists()


async def test_unknown_uses_are_refused(schema: PrivacySchema, world: World) -> None:
    query = 'mutation { setMyConsent(use: "spam", granted: true) { granted } }'
    result, _ = await run(schema, query, world.caller(Role.CUSTOMER))
    assert result.errors and code_of(result.errors[0]) == "BAD_INPUT"
    assert not await ConsentRecord.exists()


SEMINAR = """mutation { defineNamedUse(code: "partner-seminar", base: H,
  description: "Invitations to partner seminars", noticeText: "We will invite you.") { code } }"""
SEARCH = """query @purpose(code: H, use: "partner-seminar") {
  customerSearch(first: 50) { totalCount nodes { id name } } }"""


async def test_an_operation_for_a_named_use_reaches_only_people_who_consented(
    schema: PrivacySchema, world: World
) -> None:
    _ok((await run(schema, SEMINAR, world.caller(Role.ADMIN)))[0])
    marketing, customer = world.caller(Role.MARKETING), world.caller(Role.CUSTOMER)
    nobody, context = await run(schema, SEARCH, marketing)
    assert _ok(nobody)["customerSearch"] == {
        "totalCount": 0,
        "nodes": [],
    }  # without consent, no use
    grant = 'mutation { setMyConsent(use: "partner-seminar", granted: true) { granted } }'
    _ok((await run(schema, grant, customer))[0])
    one, context = await run(schema, SEARCH, marketing)
    me = world.customers[0]
    assert _ok(one)["customerSearch"] == {
        "totalCount": 1,
        "nodes": [{"id": str(me.id), "name": me.name}],
    }
    assert (one.extensions or {})["privacy"]["use"] == "partner-seminar"
    request = await AuditRequest.get(request_id=context.request_id)
    assert (request.purpose, request.named_use) == ("H", "partner-seminar")
    assert [e.subject_id for e in await AuditEntry.filter(request_id=request.id)] == [me.id]
    # Withdrawal takes effect at once.
    withdraw = 'mutation { setMyConsent(use: "partner-seminar", granted: false) { granted } }'
    _ok((await run(schema, withdraw, customer))[0])
    gone, _ = await run(schema, SEARCH, marketing)
    assert _ok(gone)["customerSearch"]["totalCount"] == 0


@pytest.mark.parametrize(
    ("query", "code"),
    [
        # An operation that does not leave out people without consent cannot serve it.
        (
            'query @purpose(code: H, use: "partner-seminar") { customers { nodes { name } } }',
            "FORBIDDEN",
        ),
        # Only with the purpose it is based on, and only a defined use.
        (
            'query @purpose(code: G, use: "partner-seminar") { customerSearch { totalCount } }',
            "PURPOSE_UNKNOWN",
        ),
        (
            'query @purpose(code: H, use: "no-such-use") { customerSearch { totalCount } }',
            "PURPOSE_UNKNOWN",
        ),
    ],
)
async def test_named_uses_are_declared_only_where_consent_is_enforced(
    schema: PrivacySchema, world: World, query: str, code: str
) -> None:
    _ok((await run(schema, SEMINAR, world.caller(Role.ADMIN)))[0])
    result, _ = await run(schema, query, world.caller(Role.MARKETING))
    assert result.errors and code_of(result.errors[0]) == code
    assert result.data is None and not await AuditRequest.exists()
