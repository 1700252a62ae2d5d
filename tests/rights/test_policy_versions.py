"""P11 change log and P3.5 contact window: public, read by anyone through GraphQL; every
receipt and audit row names the version in force when it was made."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from directives import policy_versions
from directives.policy_versions import PolicyVersion, change_log, in_force
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditRequest
from tests.conftest import World, code_of, run

V1 = PolicyVersion("2009-09-01/1", date(2009, 9, 1), "original")
V2 = PolicyVersion("2027-01-01/2", date(2027, 1, 1), "wording", editorial=True)
V3 = PolicyVersion("2027-04-01/3", date(2027, 4, 1), "new use", reconsent=frozenset({"seminar"}))
TABLE = (V1, V2, V3)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # Japan time decides: 2026-12-31T15:00Z is already 2027-01-01 in Japan.
        (datetime(2026, 12, 31, 14, 59, tzinfo=UTC), V1),
        (datetime(2026, 12, 31, 15, 0, tzinfo=UTC), V2),
        (datetime(2027, 3, 31, 14, 59, tzinfo=UTC), V2),
        (datetime(2027, 3, 31, 15, 0, tzinfo=UTC), V3),
    ],
)
def test_the_version_in_force_changes_at_midnight_japan_time(
    at: datetime, expected: PolicyVersion
) -> None:
    assert in_force(at, TABLE) is expected


def test_editorial_changes_are_not_in_the_change_log() -> None:
    assert change_log(TABLE) == [V3, V1]


def test_a_version_asking_again_ends_earlier_consents_to_that_use_only() -> None:
    later = datetime(2027, 5, 1, tzinfo=UTC)
    assert policy_versions.valid_consent_versions("seminar", later, TABLE) == {V3.id}
    assert policy_versions.valid_consent_versions("other", later, TABLE) == {V1.id, V2.id, V3.id}
    before = datetime(2027, 2, 1, tzinfo=UTC)
    assert policy_versions.valid_consent_versions("seminar", before, TABLE) == {V1.id, V2.id}


PUBLIC = """{ privacyContact { email phone }
  policyVersionInForce { id }
  policyVersions { id effectiveOn notes editorial } }"""


async def test_anyone_reads_the_change_log_and_the_privacy_contact(
    schema: PrivacySchema, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(policy_versions, "VERSIONS", (V1, V2))
    for caller in (None, world.caller(Role.CUSTOMER), world.caller(Role.ANALYST)):
        result, _ = await run(schema, PUBLIC, caller)
        assert result.errors is None, result.errors
        data = result.data or {}
        assert data["privacyContact"] == {"email": "support@prius-pro.jp", "phone": "096-288-2400"}
        # The editorial version is not posted (P11), though it may be the one in force.
        assert [v["id"] for v in data["policyVersions"]] == [V1.id]
    # Nothing is written for anonymous public reads: no personal data, no audit rows.
    assert not await AuditRequest.exists()


async def test_anonymous_callers_reach_nothing_else(schema: PrivacySchema, world: World) -> None:
    for query in ("{ customers { nodes { id } } }", "{ purposes { code } }", "{ me { login } }"):
        result, _ = await run(schema, query, None)
        assert result.errors and code_of(result.errors[0]) == "UNAUTHENTICATED"
        assert result.data is None


async def test_receipts_and_audit_rows_name_the_version_in_force(
    schema: PrivacySchema, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    now_v = PolicyVersion("2026-01-01/9", date(2026, 1, 1), "test version")
    monkeypatch.setattr(policy_versions, "VERSIONS", (V1, now_v))
    query = "query @purpose(code: E) { customers { nodes { name } } }"
    result, context = await run(schema, query, world.caller(Role.BILLING))
    assert result.errors is None
    assert (result.extensions or {})["privacy"]["policyVersion"] == now_v.id
    request = await AuditRequest.get(request_id=context.request_id)
    assert request.policy_version == now_v.id
