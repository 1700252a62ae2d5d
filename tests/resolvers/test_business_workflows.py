"""One workflow per purpose of use (P5 A-H), each through GraphQL by the role that performs
it; the audit records each under its purpose, and what the policy withholds stays withheld."""

from __future__ import annotations

from typing import Any

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import (
    AuditEntry,
    AuditRequest,
    CampaignRecipient,
    Contract,
    Invoice,
    Payment,
)
from models.marketing import Channel
from schema.context import Context
from tests.business_world import Business
from tests.conftest import World, code_of, run


async def _audited(context: Context) -> tuple[str, list[AuditEntry]]:
    request = await AuditRequest.get(request_id=context.request_id)
    return request.purpose, await AuditEntry.filter(request_id=request.id).order_by("id")


def _ok(result: Any) -> dict[str, Any]:
    assert result.errors is None, result.errors
    return result.data  # type: ignore[no-any-return]


async def test_a_agent_takes_an_application(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    query = """mutation M($id: ID!) @purpose(code: A) {
      applyForService(customerId: $id, plan: PREMIUM, startsOn: "2026-12-01") {
        plan monthlyFee customer { name birthDate } agent { code } } }"""
    # One active contract per customer: customer 1's ends before the new one starts.
    await Contract.filter(customer_id=world.customers[1].id).update(cancelled_on="2026-11-30")
    result, context = await run(
        schema, query, world.caller(Role.AGENT), variables={"id": world.customers[1].id}
    )
    contract = _ok(result)["applyForService"]
    assert contract["plan"] == "PREMIUM" and contract["monthlyFee"] == 11_000
    assert contract["customer"] == {"name": "鈴木 花子1", "birthDate": "1981-**-**"}
    purpose, entries = await _audited(context)
    assert purpose == "A" and entries[0].fields_decisions == "name:CLEAR,birthDate:MASKED"
    # Another agent's customer is simply not found, as if it did not exist.
    foreign, _ = await run(
        schema, query, world.caller(Role.AGENT), variables={"id": world.customers[3].id}
    )
    assert code_of(foreign.errors[0]) == "NOT_FOUND"  # type: ignore[index]


async def test_b_support_subscribes_an_option(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    query = """mutation M($id: ID!) @purpose(code: B) {
      subscribeOption(contractId: $id, optionCode: "SMS", startsOn: "2026-12-01") {
        options { option { code provider } } customer { name accountNumber } } }"""
    result, context = await run(
        schema, query, world.caller(Role.SUPPORT), variables={"id": business.contracts[4].id}
    )
    contract = _ok(result)["subscribeOption"]
    assert {"code": "SMS", "provider": "株式会社テレコム"} in [
        o["option"] for o in contract["options"]
    ]
    assert contract["customer"]["accountNumber"] == "*****34"
    assert (await _audited(context))[0] == "B"


async def test_c_customer_asks_and_support_answers(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    ask = """mutation @purpose(code: C) { openInquiry(kind: APPLICATION, subject: "プラン変更",
      body: "変更できますか") { id status } }"""
    asked, _ = await run(schema, ask, world.caller(Role.CUSTOMER))
    inquiry_id = _ok(asked)["openInquiry"]["id"]
    answer = """mutation M($id: ID!) @purpose(code: C) { answerInquiry(inquiryId: $id,
      body: "できます", close: true) { status messages { author body }
      customer { name phone birthDate } } }"""
    result, context = await run(
        schema, answer, world.caller(Role.SUPPORT), variables={"id": inquiry_id}
    )
    answered = _ok(result)["answerInquiry"]
    assert answered["status"] == "CLOSED"
    assert [m["author"] for m in answered["messages"]] == ["CUSTOMER", "STAFF"]
    assert answered["customer"] == {
        "name": "鈴木 花子0",
        "phone": "090-1234-5670",
        "birthDate": None,
    }
    assert (await _audited(context))[0] == "C"
    # An administration inquiry is purpose D: answering it under C is refused.
    wrong, _ = await run(
        schema, answer, world.caller(Role.SUPPORT), variables={"id": business.inquiries[1].id}
    )
    assert code_of(wrong.errors[0]) == "PURPOSE_REQUIRED"  # type: ignore[index]


async def test_d_support_dashboard_of_open_administration_inquiries(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    query = """query @purpose(code: D) { openInquiries(kind: ADMINISTRATION) { totalCount
      nodes { subject customer { name email fax } } } }"""
    result, context = await run(schema, query, world.caller(Role.SUPPORT))
    page = _ok(result)["openInquiries"]
    assert page["totalCount"] == 1
    assert page["nodes"][0]["customer"] == {
        "name": "鈴木 花子0",
        "email": "hanako0@mail.example",
        "fax": "******5430",
    }
    assert (await _audited(context))[0] == "D"


async def test_e_billing_overdue_payment_and_correction(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    overdue = """query @purpose(code: E) { overdueInvoices(asOf: "2026-11-15") { totalCount
      nodes { id total balance billingName billingAddress payments { amount } } } }"""
    result, context = await run(schema, overdue, world.caller(Role.BILLING))
    page = _ok(result)["overdueInvoices"]
    assert page["totalCount"] == 4  # five invoices, one paid
    first = page["nodes"][0]
    assert first["billingAddress"] == "東京都渋谷区道玄坂0-2-3" and first["balance"] == 6_600
    assert (await _audited(context))[0] == "E"
    pay = """mutation M($id: ID!) @purpose(code: E) { recordPayment(invoiceId: $id,
      amount: 6600, receivedOn: "2026-11-16") { balance } }"""
    paid, _ = await run(schema, pay, world.caller(Role.BILLING), variables={"id": first["id"]})
    assert _ok(paid)["recordPayment"]["balance"] == 0
    fix = """mutation M($id: ID!) @purpose(code: E) { correctInvoice(invoiceId: $id,
      total: 5500, reason: "割引") { correctsId total billingName } }"""
    target = business.invoices[2].id
    fixed, _ = await run(schema, fix, world.caller(Role.BILLING), variables={"id": target})
    assert _ok(fixed)["correctInvoice"]["correctsId"] == str(target)
    original = await Invoice.get(id=target)
    assert original.total == 6_600  # issued invoices never change
    again, _ = await run(schema, overdue, world.caller(Role.BILLING))
    # Paid one and corrected one leave the overdue list; the correction is not yet due.
    assert _ok(again)["overdueInvoices"]["totalCount"] == 2
    assert await Payment.filter(invoice_id=first["id"]).count() == 1


async def test_e_agent_dashboard_margins_and_own_payouts(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    query = """query @purpose(code: E) { marginStatements { nodes { total
      lines { amount customer { name phone } } payouts { accountNumber accountHolder } } } }"""
    result, context = await run(schema, query, world.caller(Role.AGENT))
    [statement] = _ok(result)["marginStatements"]["nodes"]  # never the other agent's
    assert statement["total"] == 1_650
    assert {line["customer"]["name"] for line in statement["lines"]} == {
        c.name for c in world.customers[:3]
    }
    assert {line["customer"]["phone"] for line in statement["lines"]} == {None}
    # Its own bank account, in clear (SELF).
    assert statement["payouts"] == [{"accountNumber": "1234567", "accountHolder": "ヤマダシヨウジ"}]
    purpose, entries = await _audited(context)
    assert purpose == "E" and ("Agent", world.agent1.id) in {
        (e.subject_type, e.subject_id) for e in entries
    }


async def test_f_analyst_gets_pseudonyms_and_masks_only(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    query = """query @purpose(code: F) { researchRecords { nodes { pseudonym plan
      monthlyFee { low high } optionCount { low high } birthDate postalCode address } } }"""
    result, context = await run(schema, query, world.caller(Role.ANALYST))
    nodes = _ok(result)["researchRecords"]["nodes"]
    assert len(nodes) == 5  # generalised to one birth decade (research tests: the rest)
    ids = {str(c.id) for c in world.customers}
    for node in nodes:
        assert node["pseudonym"] not in ids and len(node["pseudonym"]) == 20
        assert node["birthDate"] == "198*-**-**" and node["address"] == "東京都 ***"
        assert node["postalCode"] == "150-****"
        assert node["monthlyFee"] == {"low": 6_600, "high": 6_600}
    purpose, entries = await _audited(context)
    assert purpose == "F" and len(entries) == 5
    assert all(":CLEAR" not in e.fields_decisions for e in entries)


async def test_f_aggregates_are_noisy_counts_over_fixed_keys(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    query = """query @purpose(code: F) { researchAggregate(dimension: %s) {
      epsilon groups { key count } } }"""
    by_decade, _ = await run(schema, query % "BIRTH_DECADE", world.caller(Role.ANALYST))
    answer = _ok(by_decade)["researchAggregate"]
    keys = [g["key"] for g in answer["groups"]]
    assert keys == [f"{y}s" for y in range(1900, 2030, 10)] + ["OTHER"]
    assert answer["epsilon"] == 0.5  # the default, charged to the analyst's budget


async def test_g_marketing_reads_survey_responses(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    query = """query Q($id: ID!) @purpose(code: G) { surveys { title responseCount }
      surveyResponses(surveyId: $id) { nodes { answers customer { name email phone } } } }"""
    result, context = await run(
        schema, query, world.caller(Role.MARKETING), variables={"id": business.survey.id}
    )
    data = _ok(result)
    assert data["surveys"] == [{"title": "満足度調査", "responseCount": 4}]  # one opted out
    customers = [n["customer"] for n in data["surveyResponses"]["nodes"]]
    assert all(c["phone"] is None and c["email"].endswith("@mail.example") for c in customers)
    assert (await _audited(context))[0] == "G"


async def test_h_marketing_builds_a_fax_send_list(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    campaign = business.campaigns[Channel.FAX]
    build = """mutation M($id: ID!) @purpose(code: H) { buildSendList(campaignId: $id) {
      reach builtAt } }"""
    built, context = await run(
        schema, build, world.caller(Role.MARKETING), variables={"id": campaign.id}
    )
    assert _ok(built)["buildSendList"]["reach"] == 4  # customer 2 opted out of H
    purpose, entries = await _audited(context)
    assert purpose == "H" and {e.fields_decisions for e in entries} == {"fax:FILTER"}
    opted_out = world.customers[2].id
    assert opted_out not in {e.subject_id for e in entries}
    assert not await CampaignRecipient.exists(campaign_id=campaign.id, customer_id=opted_out)
    read = """query Q($id: ID!) @purpose(code: H) { campaignRecipients(campaignId: $id) {
      totalCount nodes { name fax email address } } campaigns { nodes { channel reach } } }"""
    result, context = await run(
        schema, read, world.caller(Role.MARKETING), variables={"id": campaign.id}
    )
    data = _ok(result)
    assert data["campaignRecipients"]["totalCount"] == 4
    for node in data["campaignRecipients"]["nodes"]:
        assert node["fax"].startswith("03-9876-543") and node["email"] is None
    assert {"channel": "FAX", "reach": 4} in data["campaigns"]["nodes"]
    assert (await _audited(context))[0] == "H"
    again, _ = await run(schema, build, world.caller(Role.MARKETING), variables={"id": campaign.id})
    assert code_of(again.errors[0]) == "BAD_INPUT"  # type: ignore[index]
