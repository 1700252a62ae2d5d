"""Inquiries (P5.C, P5.D): read under the purpose of their kind only, audited per customer;
a closed inquiry stays closed."""

from __future__ import annotations

from typing import Any

import pytest

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry, AuditRequest, Inquiry, InquiryMessage
from models.contact import InquiryStatus
from schema.context import Context
from tests.business_world import Business
from tests.conftest import World, code_of, run

DASHBOARD = """query %s { openInquiries%s { nodes { kind subject messages { body } } } }"""


async def _entries(context: Context) -> list[AuditEntry]:
    request = await AuditRequest.get(request_id=context.request_id)
    return await AuditEntry.filter(request_id=request.id).order_by("id")


@pytest.mark.parametrize(
    ("purpose", "args"),
    [
        ("", ""),  # no purpose
        ("@purpose(code: A)", ""),  # not a contact purpose
        ("@purpose(code: C)", "(kind: ADMINISTRATION)"),  # D's kind under C
        ("@purpose(code: D)", "(kind: APPLICATION)"),  # C's kind under D
    ],
)
async def test_open_inquiries_need_the_purpose_of_their_kind(
    schema: PrivacySchema, world: World, business: Business, purpose: str, args: str
) -> None:
    result, _ = await run(schema, DASHBOARD % (purpose, args), world.caller(Role.SUPPORT))
    assert result.errors and code_of(result.errors[0]) == "PURPOSE_REQUIRED"
    assert not (result.data or {}).get("openInquiries")


@pytest.mark.parametrize(("code", "kind"), [("C", "APPLICATION"), ("D", "ADMINISTRATION")])
async def test_one_purpose_reads_one_kind_and_the_read_is_audited(
    schema: PrivacySchema, world: World, business: Business, code: str, kind: str
) -> None:
    query = DASHBOARD % (f"@purpose(code: {code})", "")
    result, context = await run(schema, query, world.caller(Role.SUPPORT))
    assert result.errors is None, result.errors
    nodes = result.data["openInquiries"]["nodes"]  # type: ignore[index]
    assert [n["kind"] for n in nodes] == [kind]  # never both kinds under one purpose
    entries = await _entries(context)
    # The free text (subject, messages) is personal: enforced and audited like any field.
    assert {(e.subject_type, e.subject_id) for e in entries} == {
        ("Customer", world.customers[0].id)
    }
    assert {(e.type_name, e.fields_decisions) for e in entries} == {
        ("Inquiry", "subject:CLEAR"),
        ("InquiryMessage", "body:CLEAR"),
    }


async def test_a_closed_inquiry_is_not_reopened(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    inquiry = business.inquiries[0]
    answer = """mutation M($id: ID!) @purpose(code: C) { answerInquiry(inquiryId: $id,
      body: "追記", close: %s) { status } }"""
    closed, _ = await run(
        schema, answer % "true", world.caller(Role.SUPPORT), variables={"id": inquiry.id}
    )
    assert closed.errors is None and closed.data["answerInquiry"]["status"] == "CLOSED"  # type: ignore[index]
    again, _ = await run(
        schema, answer % "false", world.caller(Role.SUPPORT), variables={"id": inquiry.id}
    )
    assert again.errors and code_of(again.errors[0]) == "BAD_INPUT"
    assert (await Inquiry.get(id=inquiry.id)).status is InquiryStatus.CLOSED
    assert await InquiryMessage.filter(inquiry_id=inquiry.id).count() == 2


async def _selects(schema: PrivacySchema, world: World, query: str, role: Role) -> list[str]:
    from tests.resolvers.test_loaders import counting_selects

    with counting_selects() as statements:
        result, _ = await run(schema, query, world.caller(role))
    assert result.errors is None, result.errors
    return statements.selects


@pytest.mark.parametrize(
    ("role", "query"),
    [
        (Role.SUPPORT, "query @purpose(code: D) { openInquiries { %s nodes { kind } } }"),
        (Role.BILLING, "query @purpose(code: E) { invoices { %s nodes { total } } }"),
        (Role.SUPPORT, "query @purpose(code: A) { customerSearch { %s nodes { id } } }"),
    ],
)
async def test_count_runs_only_when_total_count_is_selected(
    schema: PrivacySchema, world: World, business: Business, role: Role, query: str
) -> None:
    def counts(selects: list[Any]) -> int:
        return sum("COUNT(" in s.upper() for s in selects)

    assert counts(await _selects(schema, world, query % "", role)) == 0
    assert counts(await _selects(schema, world, query % "totalCount", role)) == 1
