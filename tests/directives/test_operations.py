"""The operation policy as a table: role × root operation × purpose → admitted, or refused
with which code. The expected table is written out here by hand, independently of
`directives.operations`, and must name every root field of the built schema."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from directives.errors import ErrorCode
from directives.operations import OPERATIONS, admit, uncovered
from directives.privacy_schema import OperationPolicyError, PrivacySchema
from directives.vocabulary import Purpose, Role
from models.security import Stage
from resolvers.app_schema import MUTATIONS, QUERIES
from tests.conftest import World, code_of, run

EVERYONE = "CUSTOMER AGENT SUPPORT BILLING MARKETING ANALYST ADMIN AUDITOR PARTNER"
NOT_PARTNERS = "CUSTOMER AGENT SUPPORT BILLING MARKETING ANALYST ADMIN AUDITOR"
STAFF = "SUPPORT BILLING MARKETING ANALYST ADMIN AUDITOR"

# operation -> (roles that may call it, purposes one of which must be declared or "" for any)
EXPECTED: dict[str, tuple[str, str]] = {
    "me": (EVERYONE, ""),
    "mySessions": (EVERYONE, ""),
    "myApiTokens": (EVERYONE, ""),
    "purposes": (EVERYONE, ""),
    "customer": (EVERYONE, ""),
    "customers": (EVERYONE, ""),
    "agent": (NOT_PARTNERS, ""),
    "agents": (NOT_PARTNERS, ""),
    "customerSearch": ("CUSTOMER AGENT SUPPORT BILLING MARKETING ADMIN", ""),
    "contracts": ("CUSTOMER AGENT SUPPORT BILLING", ""),
    "contract": ("CUSTOMER AGENT SUPPORT BILLING", ""),
    "optionServices": (EVERYONE, ""),
    "invoices": ("CUSTOMER BILLING", ""),
    "invoice": ("CUSTOMER BILLING", ""),
    "overdueInvoices": ("BILLING", ""),
    "marginStatements": ("AGENT BILLING", ""),
    "openInquiries": ("SUPPORT", "CD"),
    "inquiries": ("CUSTOMER SUPPORT", ""),  # kinds by purpose, all of one's own (P7.1)
    "campaigns": ("MARKETING", ""),
    "campaignRecipients": ("MARKETING", "H"),
    "surveys": ("MARKETING", ""),
    "surveyResponses": ("MARKETING", "G"),
    "researchRecords": ("ANALYST", "F"),
    "researchAggregate": ("ANALYST", "F"),
    "researchBudget": ("ANALYST", ""),
    "privacyCatalog": (STAFF, ""),
    "operationPolicy": (STAFF, ""),
    "auditEvents": ("AUDITOR", ""),
    "securityEvents": ("AUDITOR", ""),
    "accessLog": ("AUDITOR", ""),
    "accountBindings": ("ADMIN AUDITOR", ""),
    "credentialResets": ("ADMIN AUDITOR", ""),
    "accounts": ("ADMIN AUDITOR", ""),
    "auditCheckpoint": ("CUSTOMER AUDITOR", ""),
    "auditInclusionProof": ("CUSTOMER AUDITOR", ""),
    "auditConsistencyProof": ("CUSTOMER AUDITOR", ""),
    "providers": (STAFF, ""),
    "provisionRecords": ("AUDITOR", ""),
    "disclosures": ("ADMIN AUDITOR", ""),
    "businessTransfers": ("ADMIN AUDITOR", ""),
    "incidents": ("ADMIN AUDITOR", ""),
    "login": (EVERYONE, ""),
    "verifyTotp": (EVERYONE, ""),
    "changePassword": (EVERYONE, ""),
    "enrolTotp": (EVERYONE, ""),
    "confirmTotp": (EVERYONE, ""),
    "logout": (EVERYONE, ""),
    "resetTotp": (EVERYONE, ""),
    "logoutOtherSessions": (EVERYONE, ""),
    "setPasswordReminder": (EVERYONE, ""),
    "createApiToken": (EVERYONE, ""),
    "revokeApiToken": (EVERYONE, ""),
    "createAccount": ("ADMIN", ""),
    "setAccountDisabled": ("ADMIN", ""),
    "flagCompromised": ("ADMIN", ""),
    "approveAccountBinding": ("ADMIN", ""),
    "requestCredentialReset": ("ADMIN", ""),
    "approveCredentialReset": ("ADMIN", ""),
    "activateAccount": ("", ""),  # nobody logged in: the person's step before any login
    "updateMyRecord": ("CUSTOMER", ""),
    "addContact": ("CUSTOMER", ""),
    "updateContact": ("CUSTOMER", ""),
    "deleteContact": ("CUSTOMER", ""),
    "applyForService": ("AGENT SUPPORT", "A"),
    "subscribeOption": ("AGENT SUPPORT", "B"),
    "recordPayment": ("BILLING", "E"),
    "correctInvoice": ("BILLING", "E"),
    "openInquiry": ("CUSTOMER", "CD"),
    "answerInquiry": ("SUPPORT", "CD"),
    "buildSendList": ("MARKETING", "H"),
    # P11, P3.5: public (see PUBLIC below).
    "policyVersions": (EVERYONE, ""),
    "policyVersionInForce": (EVERYONE, ""),
    "privacyContact": (EVERYONE, ""),
    # P5 consent records.
    "namedUses": (EVERYONE, ""),
    "myConsents": ("CUSTOMER", ""),
    "myConsentRecords": ("CUSTOMER", ""),
    "consentRecords": ("SUPPORT MARKETING", ""),
    "setMyConsent": ("CUSTOMER", ""),
    "recordConsent": ("SUPPORT", "CD"),
    "defineNamedUse": ("ADMIN", ""),
    # APPI art. 33: who read my data.
    "myAccessHistory": ("CUSTOMER", ""),
    # P7.4 cancellation, retention, legal holds.
    "retentionSchedule": (STAFF, ""),
    "legalHolds": ("ADMIN AUDITOR", ""),
    "cancelContract": ("AGENT SUPPORT", "A"),
    "placeLegalHold": ("ADMIN", ""),
    "releaseLegalHold": ("ADMIN", ""),
    # P7.3 requests.
    "rightsRequests": ("SUPPORT BILLING", ""),
    "myRightsRequests": ("CUSTOMER", ""),
    "takeRightsRequest": ("SUPPORT", "D"),
    "payRightsRequestFee": ("BILLING", "E"),
    "answerRightsRequest": ("SUPPORT", "D"),
    "produceDeliveryManifest": ("SUPPORT BILLING", "AE"),
    "requestDisclosure": ("SUPPORT ADMIN", ""),
    "decideDisclosure": ("ADMIN", ""),
    "planBusinessTransfer": ("ADMIN", ""),
    "sendTransferNotice": ("ADMIN", ""),
    "makeTransferEffective": ("ADMIN", ""),
    "recordIncident": ("ADMIN", ""),
    "notifyIncidentPersons": ("ADMIN", ""),
}
# Answered to anyone in any stage, logged in or not: nothing else is open to anonymous callers.
PUBLIC = {"policyVersions", "policyVersionInForce", "privacyContact"}
# Before a login is complete, each stage may take only its next step (and see `me`, log out).
BEFORE_FULL: dict[Stage | None, set[str]] = {
    None: {"login", "activateAccount", *PUBLIC},
    Stage.PENDING_TOTP: {"verifyTotp", "logout", "me", *PUBLIC},
    Stage.PASSWORD_CHANGE: {"changePassword", "logout", "me", *PUBLIC},
    Stage.TOTP_ENROLMENT: {"enrolTotp", "confirmTotp", "logout", "me", *PUBLIC},
}


def expected(name: str, role: Role, purpose: Purpose | None) -> ErrorCode | None:
    roles, purposes = EXPECTED[name]
    if role.value not in roles.split():
        return ErrorCode.FORBIDDEN
    if purposes and (purpose is None or purpose.value not in purposes):
        return ErrorCode.PURPOSE_REQUIRED
    return None


def test_the_expected_table_names_every_root_field(schema: PrivacySchema) -> None:
    roots = [schema._schema.query_type, schema._schema.mutation_type]
    fields = {name for root in roots if root for name in root.fields}
    assert fields == EXPECTED.keys()
    assert not uncovered(OPERATIONS, fields)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", list(Role))
def test_role_operation_purpose(name: str, role: Role) -> None:
    for purpose in [None, *Purpose]:
        refusal = admit(OPERATIONS, name, role, Stage.FULL, purpose)
        assert (refusal.code if refusal else None) == expected(name, role, purpose), (
            name,
            role,
            purpose,
        )


@pytest.mark.parametrize("stage", list(BEFORE_FULL))
def test_unfinished_logins_take_only_their_next_step(stage: Stage | None) -> None:
    role = None if stage is None else Role.CUSTOMER
    for name in EXPECTED:
        refusal = admit(OPERATIONS, name, role, stage, None)
        if name in BEFORE_FULL[stage]:
            assert refusal is None, name
        else:
            assert refusal is not None, name
            anonymous = ErrorCode.UNAUTHENTICATED
            assert refusal.code is (anonymous if stage is None else ErrorCode.LOGIN_STEP_REQUIRED)


def test_an_unknown_operation_is_refused() -> None:
    refusal = admit(OPERATIONS, "dropEverything", Role.ADMIN, Stage.FULL, Purpose.D)
    assert refusal is not None and refusal.code is ErrorCode.FORBIDDEN


def test_a_root_field_without_a_row_stops_the_build() -> None:
    from strawberry.tools import merge_types

    table = {k: v for k, v in OPERATIONS.items() if k != "customers"}
    with pytest.raises(OperationPolicyError, match="customers"):
        PrivacySchema(
            query=merge_types("Query", QUERIES),
            mutation=merge_types("Mutation", MUTATIONS),
            operations=table,
        )


async def test_the_guard_refuses_before_anything_resolves(
    schema: PrivacySchema, world: World
) -> None:
    """An agent asking for invoices (agents do not bill, P5.E) gets no data at all, nor does
    an agent whose other root field is allowed; billing's payment without purpose E fails
    before it resolves."""
    result, _ = await run(
        schema,
        "query Q @purpose(code: A) { customers { nodes { id } } invoices { nodes { id } } }",
        world.caller(Role.AGENT),
    )
    assert result.data is None
    assert [code_of(e) for e in result.errors or []] == ["FORBIDDEN"]
    refused, _ = await run(
        schema,
        'mutation { recordPayment(invoiceId: "1", amount: 1, receivedOn: "2026-01-01") '
        "{ balance } }",
        world.caller(Role.BILLING),
    )
    assert refused.data is None
    assert [code_of(e) for e in refused.errors or []] == ["PURPOSE_REQUIRED"]


async def test_auditors_read_the_operation_policy(schema: PrivacySchema, world: World) -> None:
    result, _ = await run(
        schema,
        "{ operationPolicy { kind operation roles purposes scope consent loginStages } }",
        world.caller(Role.AUDITOR),
    )
    assert result.errors is None and result.data is not None
    rows = {r["operation"]: r for r in result.data["operationPolicy"]}
    assert rows.keys() == EXPECTED.keys()
    assert rows["recordPayment"]["purposes"] == ["E"] and rows["recordPayment"]["roles"] == [
        "BILLING"
    ]
    assert rows["login"]["loginStages"] == ["ANONYMOUS", "FULL"]
    assert rows["surveyResponses"]["consent"] is True
    denied, _ = await run(schema, "{ operationPolicy { operation } }", world.caller(Role.CUSTOMER))
    assert denied.data is None


RESOLVERS = Path(__file__).resolve().parents[2] / "resolvers"


def _resolver_bodies() -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found = []
    for path in sorted(RESOLVERS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        found.append((f"{path.name}:{node.name}.{item.name}", item))
    return found


def test_no_resolver_body_mentions_a_role_or_a_purpose() -> None:
    """Who may call what, under which purpose, is the operation policy's say alone."""
    bodies = _resolver_bodies()
    assert len(bodies) > 40
    for where, function in bodies:
        for node in ast.walk(function):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                assert node.value.id not in ("Role", "Purpose"), where
            if isinstance(node, ast.keyword):
                assert node.arg != "permission_classes", where
