"""`inquiries`: a customer reads its own inquiries with their answers (P7.1), of every kind,
without a purpose; support reads those of the kind its purpose serves; no one else's."""

from __future__ import annotations

import pytest

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import Customer, Inquiry, InquiryMessage
from models.contact import Author, InquiryKind
from tests.business_world import AT, Business
from tests.conftest import World, code_of, run

MINE = """query %s { inquiries { totalCount nodes { kind subject status
  messages { author body } } } }"""


async def _answered(world: World, business: Business) -> None:
    """Support answered the first inquiry; another customer asked something too."""
    await InquiryMessage.create(
        inquiry=business.inquiries[0], author=Author.STAFF, body="回答です", at=AT
    )
    other: Customer = world.customers[1]
    theirs = await Inquiry.create(
        customer=other, kind=InquiryKind.APPLICATION, subject="他人の質問", opened_at=AT
    )
    await InquiryMessage.create(inquiry=theirs, author=Author.CUSTOMER, body="秘密", at=AT)


async def test_a_customer_reads_its_own_inquiries_and_the_answers(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    await _answered(world, business)
    result, _ = await run(schema, MINE % "", world.caller(Role.CUSTOMER))
    assert result.errors is None, result.errors
    page = result.data["inquiries"]  # type: ignore[index]
    assert page["totalCount"] == 2
    assert [n["kind"] for n in page["nodes"]] == ["APPLICATION", "ADMINISTRATION"]
    assert page["nodes"][0]["messages"] == [
        {"author": "CUSTOMER", "body": "教えてください"},
        {"author": "STAFF", "body": "回答です"},
    ]
    text = str(result.data)
    assert "他人の質問" not in text and "秘密" not in text  # never another customer's


@pytest.mark.parametrize(("code", "kind"), [("C", "APPLICATION"), ("D", "ADMINISTRATION")])
async def test_support_reads_the_kind_its_purpose_serves(
    schema: PrivacySchema, world: World, business: Business, code: str, kind: str
) -> None:
    await _answered(world, business)
    result, _ = await run(schema, MINE % f"@purpose(code: {code})", world.caller(Role.SUPPORT))
    assert result.errors is None, result.errors
    kinds = {n["kind"] for n in result.data["inquiries"]["nodes"]}  # type: ignore[index]
    assert kinds == {kind}


@pytest.mark.parametrize(
    ("role", "purpose", "code"),
    [
        (Role.SUPPORT, "", "PURPOSE_REQUIRED"),
        (Role.SUPPORT, "@purpose(code: A)", "PURPOSE_REQUIRED"),
        (Role.AGENT, "@purpose(code: C)", "FORBIDDEN"),
        (Role.BILLING, "@purpose(code: E)", "FORBIDDEN"),
        (Role.ADMIN, "@purpose(code: D)", "FORBIDDEN"),
    ],
)
async def test_others_are_refused(
    schema: PrivacySchema,
    world: World,
    business: Business,
    role: Role,
    purpose: str,
    code: str,
) -> None:
    result, _ = await run(schema, MINE % purpose, world.caller(role))
    assert result.errors and code_of(result.errors[0]) == code
    assert not (result.data or {}).get("inquiries")
