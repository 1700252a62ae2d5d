"""Exceptional disclosures (P8.3) through GraphQL: support records the request, an
administrator other than the requester approves (the file holds only the fields and persons
approved) or refuses (with a reason, nothing provided); auditors see the records."""

from __future__ import annotations

import csv
import io
from typing import Any

from directives.context import Caller
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import Account, AuditEntry, ProvisionRecord
from models.third_parties import Ground
from tests.conftest import World, code_of, run

REQUEST = """mutation R($r: DisclosureRequest!) {
  requestDisclosure(request: $r) { id status fields requestedBy } }"""
DECIDE = """mutation D($id: ID!, $approve: Boolean!, $reason: RefusalReason) {
  decideDisclosure(id: $id, approve: $approve, refusalReason: $reason) {
    status decidedBy refusalReason file } }"""


def _request(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "ground": "AUTHORITY",
        "requestingParty": "渋谷警察署",
        "partyReference": "捜査関係事項照会 第123号",
        "customerIds": [str(world.customers[2].id)],
        "fields": ["name", "address", "phone"],
        "consentSought": False,
        **changes,
    }


async def _second_admin() -> Caller:
    account = await Account.create(login="t-admin-2", role=Role.ADMIN)
    return Caller(account_id=account.id, login=account.login, role=Role.ADMIN)


async def _requested(schema: PrivacySchema, world: World, **changes: Any) -> str:
    result, _ = await run(
        schema, REQUEST, world.caller(Role.SUPPORT), variables={"r": _request(world, **changes)}
    )
    assert result.errors is None, result.errors
    got = result.data["requestDisclosure"]  # type: ignore[index]
    assert got["status"] == "REQUESTED" and got["requestedBy"] == "t-support"
    return str(got["id"])


async def test_an_approved_disclosure_gives_only_the_approved_fields_and_records_it(
    schema: PrivacySchema, world: World
) -> None:
    disclosure = await _requested(schema, world)
    person = world.customers[2]
    result, _ = await run(
        schema,
        DECIDE,
        world.caller(Role.ADMIN),
        variables={"id": disclosure, "approve": True, "reason": None},
    )
    assert result.errors is None, result.errors
    decided = result.data["decideDisclosure"]  # type: ignore[index]
    assert decided["status"] == "APPROVED" and decided["decidedBy"] == "t-admin"
    rows = list(csv.reader(io.StringIO(decided["file"])))
    assert rows == [["name", "address", "phone"], [person.name, person.address, person.phone]]
    for withheld in (person.email, person.account_number, person.postal_code, person.fax):
        assert withheld not in decided["file"]
    [record] = await ProvisionRecord.all()
    assert (record.customer_id, record.ground, record.items) == (
        person.id,
        Ground.AUTHORITY,
        "address,name,phone",
    )
    assert record.recipient == "渋谷警察署" and record.source == f"disclosure:{disclosure}"
    # The audit records the provision under its ground (P8.3), fields named, no value.
    [given] = await AuditEntry.filter(fields_decisions__contains="PROVIDE")
    assert given.subject_id == person.id
    assert given.fields_decisions == "name:PROVIDE,address:PROVIDE,phone:PROVIDE,#ground:AUTHORITY"
    audit = """query A($id: ID!) @purpose(code: D) { auditEvents(filter: {subjectType: "Customer",
      subjectId: $id}) { nodes { actor ground uses { field use } } } }"""
    seen, _ = await run(schema, audit, world.caller(Role.AUDITOR), variables={"id": person.id})
    provided = [n for n in seen.data["auditEvents"]["nodes"] if n["ground"]]  # type: ignore[index]
    assert provided == [
        {
            "actor": "t-admin",
            "ground": "AUTHORITY",
            "uses": [{"field": f, "use": "PROVIDE"} for f in ("name", "address", "phone")],
        }
    ]
    # Decided once: a second decision is refused and provides nothing more.
    again, _ = await run(
        schema, DECIDE, await _second_admin(), variables={"id": disclosure, "approve": True}
    )
    assert [code_of(e) for e in again.errors or []] == ["BAD_INPUT"]
    assert await ProvisionRecord.all().count() == 1


async def test_a_refused_disclosure_records_its_reason_and_provides_nothing(
    schema: PrivacySchema, world: World
) -> None:
    disclosure = await _requested(schema, world, ground="PUBLIC_WELFARE")
    variables = {"id": disclosure, "approve": False, "reason": "IMPROPER_PROCEDURE"}
    result, _ = await run(schema, DECIDE, world.caller(Role.ADMIN), variables=variables)
    decided = result.data["decideDisclosure"]  # type: ignore[index]
    assert decided == {
        "status": "REFUSED",
        "decidedBy": "t-admin",
        "refusalReason": "IMPROPER_PROCEDURE",
        "file": None,
    }
    assert await ProvisionRecord.all().count() == 0
    assert not await AuditEntry.filter(fields_decisions__contains="PROVIDE").exists()


async def test_the_requester_may_not_approve_their_own_request(
    schema: PrivacySchema, world: World
) -> None:
    admin = world.caller(Role.ADMIN)
    result, _ = await run(schema, REQUEST, admin, variables={"r": _request(world)})
    disclosure = result.data["requestDisclosure"]["id"]  # type: ignore[index]
    mine, _ = await run(schema, DECIDE, admin, variables={"id": disclosure, "approve": True})
    assert mine.data is None and [code_of(e) for e in mine.errors or []] == ["SAME_PERSON"]
    other, _ = await run(
        schema, DECIDE, await _second_admin(), variables={"id": disclosure, "approve": True}
    )
    assert other.errors is None and other.data["decideDisclosure"]["file"]  # type: ignore[index]


async def test_what_a_request_may_not_ask_for(schema: PrivacySchema, world: World) -> None:
    support = world.caller(Role.SUPPORT)
    bad: list[dict[str, Any]] = [
        {"ground": "DELIVERY"},  # P8.2 has its own path
        {"ground": "NDA"},
        {"fields": ["email", "notAField"]},
        {"fields": ["version"]},  # not a personal field: nothing to disclose
        {"ground": "PAYMENT_INSTITUTION", "fields": ["name", "email"]},  # e-mail: no payment
        {"ground": "CONSENT", "consentSought": False},
        {"requestingParty": " "},
    ]
    for changes in bad:
        result, _ = await run(schema, REQUEST, support, variables={"r": _request(world, **changes)})
        assert [code_of(e) for e in result.errors or []] == ["BAD_INPUT"], changes
    missing, _ = await run(
        schema, REQUEST, support, variables={"r": _request(world, customerIds=["999999"])}
    )
    assert [code_of(e) for e in missing.errors or []] == ["NOT_FOUND"]
    for role in (Role.BILLING, Role.PARTNER, Role.CUSTOMER):
        refused, _ = await run(
            schema, REQUEST, world.caller(role), variables={"r": _request(world)}
        )
        assert [code_of(e) for e in refused.errors or []] == ["FORBIDDEN"], role


async def test_auditors_see_disclosures_and_provision_records_without_values(
    schema: PrivacySchema, world: World
) -> None:
    disclosure = await _requested(schema, world)
    await run(
        schema, DECIDE, world.caller(Role.ADMIN), variables={"id": disclosure, "approve": True}
    )
    query = """{ disclosures { nodes { status requestingParty fields file } }
      provisionRecords { nodes { customerId recipient items ground source keepUntil } } }"""
    result, _ = await run(schema, query, world.caller(Role.AUDITOR))
    assert result.errors is None, result.errors
    assert result.data["disclosures"]["nodes"] == [  # type: ignore[index]
        {
            "status": "APPROVED",
            "requestingParty": "渋谷警察署",
            "fields": ["name", "address", "phone"],
            "file": None,  # the file went to the approver once; it is not kept
        }
    ]
    [node] = result.data["provisionRecords"]["nodes"]  # type: ignore[index]
    assert node["customerId"] == str(world.customers[2].id) and node["ground"] == "AUTHORITY"
    assert world.customers[2].name not in str(result.data)
