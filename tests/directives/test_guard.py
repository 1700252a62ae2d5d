"""The operation guard: a purpose is declared once per operation, or the whole operation is
refused before anything resolves (nothing returned, nothing audited)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Purpose, Role
from models import AuditEntry, AuditRequest, Stage
from tests.conftest import World, run

PERSONAL = "{ customers { nodes { email } } }"


@pytest.mark.parametrize(
    ("role", "query", "header", "code"),
    [
        (Role.SUPPORT, "query Q " + PERSONAL, None, "PURPOSE_REQUIRED"),
        (Role.AGENT, PERSONAL, None, "PURPOSE_REQUIRED"),
        (Role.AUDITOR, PERSONAL, None, "PURPOSE_REQUIRED"),
        (Role.SUPPORT, "query Q @purpose(code: Z) " + PERSONAL, None, "PURPOSE_UNKNOWN"),
        (Role.SUPPORT, 'query Q @purpose(code: "E ") ' + PERSONAL, None, "PURPOSE_UNKNOWN"),
        (
            Role.SUPPORT,
            "query Q($p: Purpose!) @purpose(code: $p) " + PERSONAL,
            None,
            "PURPOSE_UNKNOWN",
        ),
        (Role.SUPPORT, PERSONAL, "Q", "PURPOSE_UNKNOWN"),
        (Role.SUPPORT, "query Q @purpose(code: A) " + PERSONAL, "B", "PURPOSE_CONFLICT"),
        (
            Role.SUPPORT,
            "query Q @purpose(code: A) @purpose(code: A) " + PERSONAL,
            None,
            "PURPOSE_CONFLICT",
        ),
        (Role.SUPPORT, "query Q @purpose(code: E) " + PERSONAL, None, "PURPOSE_FORBIDDEN"),
        (Role.ADMIN, "query Q @purpose(code: A) " + PERSONAL, None, "PURPOSE_FORBIDDEN"),
        (Role.ANALYST, "query Q @purpose(code: H) " + PERSONAL, None, "PURPOSE_FORBIDDEN"),
        (Role.MARKETING, PERSONAL, "F", "PURPOSE_FORBIDDEN"),
        (Role.CUSTOMER, "query Q @purpose(code: H) " + PERSONAL, None, "PURPOSE_FORBIDDEN"),
        # A forbidden purpose is refused even when nothing personal is selected.
        (Role.BILLING, "query Q @purpose(code: A) { me { login } }", None, "PURPOSE_FORBIDDEN"),
    ],
)
async def test_refusals_have_codes_and_resolve_nothing(
    schema: PrivacySchema, world: World, role: Role, query: str, header: str | None, code: str
) -> None:
    result, context = await run(
        schema, query, world.caller(role), header_purpose=header, variables={"p": "E"}
    )
    assert result.data is None
    assert result.errors is not None and len(result.errors) == 1
    assert result.errors[0].extensions == {"code": code}
    assert context.audit.entries == [] and context.purpose is None
    assert await AuditRequest.all().count() == 0 and await AuditEntry.all().count() == 0


async def test_personal_field_hidden_in_a_fragment_still_needs_a_purpose(
    schema: PrivacySchema, world: World
) -> None:
    query = """query Q { customers { nodes { ...A } } }
               fragment A on Customer { id ...B }
               fragment B on Customer { ... on Customer { phone } }"""
    result, _ = await run(schema, query, world.caller(Role.SUPPORT))
    assert result.errors[0].extensions == {"code": "PURPOSE_REQUIRED"}  # type: ignore[index]


async def test_operations_without_personal_fields_need_no_purpose(
    schema: PrivacySchema, world: World
) -> None:
    result, context = await run(
        schema,
        "{ me { login role } customers { nodes { id version } } purposes { code } }",
        world.caller(Role.SUPPORT),
    )
    assert result.errors is None
    assert result.data["me"] == {"login": "t-support", "role": "SUPPORT"}  # type: ignore[index]
    assert len(result.data["customers"]["nodes"]) == 5  # type: ignore[index]
    assert context.audit.entries == []


@pytest.mark.parametrize("header", ["E", "e", " E "])
async def test_header_declares_the_purpose(
    schema: PrivacySchema, world: World, header: str
) -> None:
    result, context = await run(schema, PERSONAL, world.caller(Role.BILLING), header_purpose=header)
    assert result.errors is None and context.purpose is Purpose.E


async def test_same_purpose_in_header_and_directive_is_fine(
    schema: PrivacySchema, world: World
) -> None:
    result, _ = await run(
        schema,
        "query @purpose(code: E) " + PERSONAL,
        world.caller(Role.BILLING),
        header_purpose="E",
    )
    assert result.errors is None


async def test_the_operation_actually_run_is_the_one_checked(
    schema: PrivacySchema, world: World
) -> None:
    document = """query Ok @purpose(code: E) { customers { nodes { email } } }
                  query Bad { customers { nodes { email } } }"""
    ok, _ = await run(schema, document, world.caller(Role.BILLING), operation_name="Ok")
    bad, _ = await run(schema, document, world.caller(Role.BILLING), operation_name="Bad")
    assert ok.errors is None
    assert bad.data is None and bad.errors[0].extensions == {"code": "PURPOSE_REQUIRED"}  # type: ignore[index]


async def test_anonymous_callers_get_nothing(schema: PrivacySchema, world: World) -> None:
    result, _ = await run(schema, "{ purposes { code } }", None)
    assert result.data is None
    assert result.errors[0].extensions == {"code": "UNAUTHENTICATED"}  # type: ignore[index]
    typename, _ = await run(schema, "{ __typename }", None)
    assert typename.data == {"__typename": "Query"}


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.AGENT])
async def test_introspection_is_for_staff(schema: PrivacySchema, world: World, role: Role) -> None:
    for query in [
        "{ __schema { types { name } } }",
        '{ __type(name: "Customer") { name } }',
        "query __schema { ...F } fragment F on Query { __schema { queryType { name } } }",
    ]:
        result, _ = await run(schema, query, world.caller(role))
        assert result.data is None, query
        assert result.errors[0].extensions == {"code": "INTROSPECTION_FORBIDDEN"}  # type: ignore[index]
    staff, _ = await run(schema, "{ __schema { queryType { name } } }", world.caller(Role.AUDITOR))
    assert staff.data == {"__schema": {"queryType": {"name": "Query"}}}


@pytest.mark.parametrize(
    ("stage", "allowed", "refused"),
    [
        (Stage.PENDING_TOTP, "{ me { login } }", "{ customers { nodes { id } } }"),
        (Stage.TOTP_ENROLMENT, "{ me { stage } }", "{ purposes { code } }"),
        (Stage.PASSWORD_CHANGE, "{ me { stage } }", "{ privacyCatalog { fieldName } }"),
    ],
)
async def test_unfinished_logins_reach_only_their_next_step(
    schema: PrivacySchema, world: World, stage: Stage, allowed: str, refused: str
) -> None:
    caller = replace(world.caller(Role.SUPPORT), stage=stage)
    ok, _ = await run(schema, allowed, caller)
    assert ok.errors is None
    result, _ = await run(schema, refused, caller)
    assert result.data is None
    assert result.errors[0].extensions == {"code": "LOGIN_STEP_REQUIRED"}  # type: ignore[index]
    hidden, _ = await run(
        schema, "query { ...F } fragment F on Query { purposes { code } }", caller
    )
    assert hidden.errors[0].extensions == {"code": "LOGIN_STEP_REQUIRED"}  # type: ignore[index]


async def test_refusals_are_security_events(schema: PrivacySchema, world: World) -> None:
    from models import SecurityEvent

    await run(schema, "query Q @purpose(code: E) { me { login } }", world.caller(Role.SUPPORT))
    await run(schema, "{ purposes { code } }", None)
    events = await SecurityEvent.all().order_by("id")
    assert [(e.kind, e.actor, e.detail) for e in events] == [
        ("AUTHORIZATION_FAILURE", "t-support", "PURPOSE_FORBIDDEN"),
        ("AUTHORIZATION_FAILURE", "-", "UNAUTHENTICATED"),
    ]
