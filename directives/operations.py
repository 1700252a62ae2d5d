"""The operation policy: who may run each root operation, under which purposes (P5), how its
rows are scoped and whether it respects consent. Pure data and one pure decision function,
read beside POLICY.md like `directives.policy`; applied to every root field by the guard
before anything resolves (`PrivacySchema` refuses to build if a root field has no row).

Field values stay the field policy's business: an operation admitted here still returns each
personal value clear, masked or denied by `directives.policy`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from directives.context import STAFF_ROLES
from directives.errors import ErrorCode, PrivacyError
from directives.vocabulary import Purpose, Role
from models.contact import InquiryKind
from models.security import Stage

ALL_ROLES: frozenset[Role] = frozenset(Role)
STAFF: frozenset[Role] = STAFF_ROLES
# Staff and auditors may read the schema by introspection (ASVS 4.3.2: not everyone).
INTROSPECTION_ROLES: frozenset[Role] = STAFF
# Customers keep their own record without naming a purpose (P7.1).
PURPOSE_OPTIONAL_ROLES: frozenset[Role] = frozenset({Role.CUSTOMER})


class RowScope(StrEnum):
    """Which rows an operation reaches (the functions are `resolvers.scope` and each domain's
    `scope.py`). Rows out of scope are simply not found, nor counted."""

    NONE = "NONE"  # reads or changes no stored row of anyone (login steps, the purposes list)
    CALLER = "CALLER"  # the caller's own account: sessions, tokens, password
    PEOPLE = "PEOPLE"  # customers: own record; agents: own record and own customers; staff: all
    CATALOGUE = "CATALOGUE"  # business data about nobody (options, campaigns, surveys)
    PSEUDONYMOUS = "PSEUDONYMOUS"  # research: no id, k-anonymous rows, noisy counts (P5.F)
    AUDIT = "AUDIT"  # the audit trails and the policy itself, values never included
    # Audit-log proofs: auditors any record; customers the requests they made and those that
    # read their own record (resolvers/audit/scope.py). Checkpoints are about nobody.
    AUDIT_PROOF = "AUDIT_PROOF"
    ACCOUNTS = "ACCOUNTS"  # every account (administration)


# Scopes whose query roots only read stored rows (each read audited as always): a query on
# these alone may start before the lookup of its caller, checked lately, is back
# (auth.recent). Research (PSEUDONYMOUS) charges the analyst's budget as it reads, and the
# caller's own (CALLER) are about the credential itself: such a query waits for the lookup
# first, as does every mutation. A query root that writes takes one of those scopes
# (tests/directives/test_read_only_roots.py runs every list and search and sees its writes).
READ_ONLY_SCOPES: frozenset[RowScope] = frozenset(
    {
        RowScope.NONE,
        RowScope.PEOPLE,
        RowScope.CATALOGUE,
        RowScope.AUDIT,
        RowScope.AUDIT_PROOF,
        RowScope.ACCOUNTS,
    }
)


@dataclass(frozen=True, slots=True)
class Operation:
    """One root field's row. `purposes` None: any purpose the role may declare (and one is
    needed only when a personal field is selected); a set: one of them must be declared."""

    roles: frozenset[Role]
    scope: RowScope
    purposes: frozenset[Purpose] | None = None
    consent: bool = False  # leaves out people who withdrew consent to the declared purpose
    stages: frozenset[Stage | None] = frozenset({Stage.FULL})  # None: not logged in


def op(
    roles: Iterable[Role],
    scope: RowScope,
    purposes: Iterable[Purpose] | None = None,
    *,
    consent: bool = False,
    stages: Iterable[Stage | None] = (Stage.FULL,),
) -> Operation:
    return Operation(
        roles=frozenset(roles),
        scope=scope,
        purposes=frozenset(purposes) if purposes is not None else None,
        consent=consent,
        stages=frozenset(stages),
    )


R = Role
P = Purpose
S = Stage
EVERY_STAGE = (S.FULL, S.PENDING_TOTP, S.PASSWORD_CHANGE, S.TOTP_ENROLMENT)
# Public: answered to anyone, logged in or not (P11 change log, P3.5 contact window). These
# rows, with `login`, are everything an anonymous caller can run.
PUBLIC = (None, *EVERY_STAGE)
SALES = (R.CUSTOMER, R.AGENT, R.SUPPORT, R.BILLING)
# Research (P5.F) and audit read no customer record: no search either (re-identification).
# Option providers' staff (P8.1) read the subscribers of their own options, listed or by
# id, and nothing else: no search, no agents, no contracts.
SEARCHERS = ALL_ROLES - {R.ANALYST, R.AUDITOR, R.PARTNER}
NOT_PARTNERS = ALL_ROLES - {R.PARTNER}
# An inquiry is contact about applications (C) or about system administration (D).
INQUIRY_PURPOSE: dict[InquiryKind, Purpose] = {
    InquiryKind.APPLICATION: P.C,
    InquiryKind.ADMINISTRATION: P.D,
}
INQUIRY_PURPOSES = tuple(INQUIRY_PURPOSE.values())


def inquiry_kinds(purpose: Purpose | None, *, own: bool) -> frozenset[InquiryKind]:
    """The kinds of inquiry a list shows: every kind of one's own (P7.1), otherwise only the
    kind the declared purpose serves (C: applications, D: administration); none otherwise."""
    if own:
        return frozenset(InquiryKind)
    return frozenset(k for k, p in INQUIRY_PURPOSE.items() if p is purpose)


def inquiry_kinds_or_refuse(purpose: Purpose | None, *, own: bool) -> frozenset[InquiryKind]:
    """`inquiry_kinds`, or PURPOSE_REQUIRED when that leaves none."""
    kinds = inquiry_kinds(purpose, own=own)
    if not kinds:
        raise PrivacyError(
            ErrorCode.PURPOSE_REQUIRED,
            "Inquiries are read under purpose C (applications) or D (administration).",
        )
    return kinds


QUERIES: dict[str, Operation] = {
    "me": op(ALL_ROLES, RowScope.CALLER, stages=EVERY_STAGE),
    "mySessions": op(ALL_ROLES, RowScope.CALLER),
    "myApiTokens": op(ALL_ROLES, RowScope.CALLER),
    "purposes": op(ALL_ROLES, RowScope.NONE),
    "customer": op(ALL_ROLES, RowScope.PEOPLE),
    "customers": op(ALL_ROLES, RowScope.PEOPLE),
    "agent": op(NOT_PARTNERS, RowScope.PEOPLE),
    "agents": op(NOT_PARTNERS, RowScope.PEOPLE),
    "customerSearch": op(SEARCHERS, RowScope.PEOPLE, consent=True),
    "contracts": op(SALES, RowScope.PEOPLE),
    "contract": op(SALES, RowScope.PEOPLE),
    "optionServices": op(ALL_ROLES, RowScope.CATALOGUE),
    # Agents are paid margins, they do not bill: no invoice is theirs to see (P5.E).
    "invoices": op((R.CUSTOMER, R.BILLING), RowScope.PEOPLE),
    "invoice": op((R.CUSTOMER, R.BILLING), RowScope.PEOPLE),
    "overdueInvoices": op((R.BILLING,), RowScope.PEOPLE),
    "marginStatements": op((R.AGENT, R.BILLING), RowScope.PEOPLE),
    "openInquiries": op((R.SUPPORT,), RowScope.PEOPLE, INQUIRY_PURPOSES),
    # Inquiries with their answers: a customer its own, of every kind (P7.1); support those
    # of the kind its declared purpose serves (`inquiry_kinds`), like `openInquiries`.
    "inquiries": op((R.CUSTOMER, R.SUPPORT), RowScope.PEOPLE),
    "campaigns": op((R.MARKETING,), RowScope.CATALOGUE),
    "campaignRecipients": op((R.MARKETING,), RowScope.PEOPLE, (P.H,), consent=True),
    "surveys": op((R.MARKETING,), RowScope.CATALOGUE),
    "surveyResponses": op((R.MARKETING,), RowScope.PEOPLE, (P.G,), consent=True),
    "researchRecords": op((R.ANALYST,), RowScope.PSEUDONYMOUS, (P.F,)),
    "researchAggregate": op((R.ANALYST,), RowScope.PSEUDONYMOUS, (P.F,)),
    "researchBudget": op((R.ANALYST,), RowScope.CALLER),
    "privacyCatalog": op(STAFF, RowScope.AUDIT),
    "operationPolicy": op(STAFF, RowScope.AUDIT),
    "auditEvents": op((R.AUDITOR,), RowScope.AUDIT),
    # Identity binding (auth.binding): administrators approve, auditors tell how each login
    # bound to a person came to be (ids and logins only).
    "accountBindings": op((R.ADMIN, R.AUDITOR), RowScope.ACCOUNTS),
    "credentialResets": op((R.ADMIN, R.AUDITOR), RowScope.ACCOUNTS),
    # Administrators manage accounts; auditors check who has which access (logins and
    # states only, no person's value).
    "accounts": op((R.ADMIN, R.AUDITOR), RowScope.ACCOUNTS),
    "securityEvents": op((R.AUDITOR,), RowScope.AUDIT),
    "accessLog": op((R.AUDITOR,), RowScope.AUDIT),
    # The tamper-evident audit (P3.1 tampering, P3.4 usage history): a receipt can be proven.
    "auditCheckpoint": op((R.AUDITOR, R.CUSTOMER), RowScope.AUDIT_PROOF),
    "auditInclusionProof": op((R.AUDITOR, R.CUSTOMER), RowScope.AUDIT_PROOF),
    "auditConsistencyProof": op((R.AUDITOR, R.CUSTOMER), RowScope.AUDIT_PROOF),
    # P5 consent: the person's own, staff taking decisions down, the named uses.
    "namedUses": op(ALL_ROLES, RowScope.CATALOGUE),
    "myConsents": op((R.CUSTOMER,), RowScope.PEOPLE),
    "myConsentRecords": op((R.CUSTOMER,), RowScope.PEOPLE),
    "consentRecords": op((R.SUPPORT, R.MARKETING), RowScope.PEOPLE),
    # APPI art. 33: who read or used the person's data, from the audit.
    "myAccessHistory": op((R.CUSTOMER,), RowScope.PEOPLE),
    # P7.4: the retention schedule and legal holds.
    "retentionSchedule": op(STAFF, RowScope.AUDIT),
    "legalHolds": op((R.ADMIN, R.AUDITOR), RowScope.AUDIT),
    # P7.3: disclosure, stop and deletion requests.
    "rightsRequests": op((R.SUPPORT, R.BILLING), RowScope.PEOPLE),
    "myRightsRequests": op((R.CUSTOMER,), RowScope.PEOPLE),
    "policyVersions": op(ALL_ROLES, RowScope.NONE, stages=PUBLIC),
    "policyVersionInForce": op(ALL_ROLES, RowScope.NONE, stages=PUBLIC),
    "privacyContact": op(ALL_ROLES, RowScope.NONE, stages=PUBLIC),
    # Third parties (P8): who they are and their NDAs is business data; what was provided
    # to them (APPI art. 29) is the auditors' to check (field names, never values).
    "providers": op(STAFF, RowScope.CATALOGUE),
    "provisionRecords": op((R.AUDITOR,), RowScope.AUDIT),
    "disclosures": op((R.ADMIN, R.AUDITOR), RowScope.AUDIT),
    "businessTransfers": op((R.ADMIN, R.AUDITOR), RowScope.AUDIT),
    "incidents": op((R.ADMIN, R.AUDITOR), RowScope.AUDIT),
}

MUTATIONS: dict[str, Operation] = {
    # The login steps: each stage may take only its next step (and log out).
    "login": op(ALL_ROLES, RowScope.NONE, stages=(None, S.FULL)),
    "verifyTotp": op(ALL_ROLES, RowScope.CALLER, stages=(S.PENDING_TOTP, S.FULL)),
    "changePassword": op(ALL_ROLES, RowScope.CALLER, stages=(S.PASSWORD_CHANGE, S.FULL)),
    "enrolTotp": op(ALL_ROLES, RowScope.CALLER, stages=(S.TOTP_ENROLMENT, S.FULL)),
    "confirmTotp": op(ALL_ROLES, RowScope.CALLER, stages=(S.TOTP_ENROLMENT, S.FULL)),
    "logout": op(ALL_ROLES, RowScope.CALLER, stages=EVERY_STAGE),
    "resetTotp": op(ALL_ROLES, RowScope.CALLER),
    "logoutOtherSessions": op(ALL_ROLES, RowScope.CALLER),
    "setPasswordReminder": op(ALL_ROLES, RowScope.CALLER),
    "createApiToken": op(ALL_ROLES, RowScope.CALLER),
    "revokeApiToken": op(ALL_ROLES, RowScope.CALLER),
    "createAccount": op((R.ADMIN,), RowScope.ACCOUNTS),
    "setAccountDisabled": op((R.ADMIN,), RowScope.ACCOUNTS),
    "flagCompromised": op((R.ADMIN,), RowScope.ACCOUNTS),
    "approveAccountBinding": op((R.ADMIN,), RowScope.ACCOUNTS),
    # Four eyes for another account's credentials (auth/resets.py): ask, then approve.
    "requestCredentialReset": op((R.ADMIN,), RowScope.ACCOUNTS),
    "approveCredentialReset": op((R.ADMIN,), RowScope.ACCOUNTS),
    # The person's own step, before any login: the code sent to them and a new password.
    "activateAccount": op(ALL_ROLES, RowScope.NONE, stages=(None,)),
    # P7.1, P7.2: the ID holder keeps its own record and its contacts.
    "updateMyRecord": op((R.CUSTOMER,), RowScope.PEOPLE),
    "addContact": op((R.CUSTOMER,), RowScope.PEOPLE),
    "updateContact": op((R.CUSTOMER,), RowScope.PEOPLE),
    "deleteContact": op((R.CUSTOMER,), RowScope.PEOPLE),
    "applyForService": op((R.AGENT, R.SUPPORT), RowScope.PEOPLE, (P.A,)),
    "subscribeOption": op((R.AGENT, R.SUPPORT), RowScope.PEOPLE, (P.B,)),
    "recordPayment": op((R.BILLING,), RowScope.PEOPLE, (P.E,)),
    "correctInvoice": op((R.BILLING,), RowScope.PEOPLE, (P.E,)),
    "openInquiry": op((R.CUSTOMER,), RowScope.PEOPLE, INQUIRY_PURPOSES),
    "answerInquiry": op((R.SUPPORT,), RowScope.PEOPLE, INQUIRY_PURPOSES),
    "setMyConsent": op((R.CUSTOMER,), RowScope.PEOPLE),
    "recordConsent": op((R.SUPPORT,), RowScope.PEOPLE, (P.C, P.D)),
    "defineNamedUse": op((R.ADMIN,), RowScope.CATALOGUE),
    "cancelContract": op((R.AGENT, R.SUPPORT), RowScope.PEOPLE, (P.A,)),
    "placeLegalHold": op((R.ADMIN,), RowScope.PEOPLE),
    "releaseLegalHold": op((R.ADMIN,), RowScope.PEOPLE),
    "takeRightsRequest": op((R.SUPPORT,), RowScope.PEOPLE, (P.D,)),
    "payRightsRequestFee": op((R.BILLING,), RowScope.PEOPLE, (P.E,)),
    "answerRightsRequest": op((R.SUPPORT,), RowScope.PEOPLE, (P.D,)),
    "buildSendList": op((R.MARKETING,), RowScope.PEOPLE, (P.H,), consent=True),
    # P8.2: usage guides (A, support) and invoices or receipts (E, billing) go by carrier.
    "produceDeliveryManifest": op((R.SUPPORT, R.BILLING), RowScope.PEOPLE, (P.A, P.E)),
    # P8.3: support or an administrator records a request; an administrator other than the
    # requester decides it (the file is a provision on the request's ground, not a purpose).
    "requestDisclosure": op((R.SUPPORT, R.ADMIN), RowScope.PEOPLE),
    "decideDisclosure": op((R.ADMIN,), RowScope.PEOPLE),
    # P8.3: a business transfer notifies every user; APPI art. 26: the incident register.
    "planBusinessTransfer": op((R.ADMIN,), RowScope.NONE),
    "sendTransferNotice": op((R.ADMIN,), RowScope.PEOPLE),
    "makeTransferEffective": op((R.ADMIN,), RowScope.PEOPLE),
    "recordIncident": op((R.ADMIN,), RowScope.AUDIT),
    "notifyIncidentPersons": op((R.ADMIN,), RowScope.PEOPLE),
}

OPERATIONS: dict[str, Operation] = {**QUERIES, **MUTATIONS}
assert not QUERIES.keys() & MUTATIONS.keys(), "a root field name is used twice"


@dataclass(frozen=True, slots=True)
class Refusal:
    code: ErrorCode
    message: str


def admit(
    table: Mapping[str, Operation],
    name: str,
    role: Role | None,
    stage: Stage | None,
    purpose: Purpose | None,
) -> Refusal | None:
    """None if `role` at login `stage` may run root field `name` under `purpose`; otherwise
    why not. `role` None: not logged in. Unknown names are refused (default deny)."""
    row = table.get(name)
    if row is None:
        return Refusal(ErrorCode.FORBIDDEN, "This operation is not in the operation policy.")
    if stage not in row.stages:
        if role is None:
            return Refusal(ErrorCode.UNAUTHENTICATED, "Authentication required.")
        if stage is not Stage.FULL:
            return Refusal(
                ErrorCode.LOGIN_STEP_REQUIRED, "Authentication required: finish logging in first."
            )
        return Refusal(ErrorCode.FORBIDDEN, "This operation is for unfinished logins only.")
    if role is None or stage is not Stage.FULL:
        return None  # a login step: the step checks its own credentials
    if role not in row.roles:
        return Refusal(ErrorCode.FORBIDDEN, "Your role may not use this operation.")
    if row.purposes is not None and purpose not in row.purposes:
        codes = ", ".join(sorted(p.value for p in row.purposes))
        return Refusal(
            ErrorCode.PURPOSE_REQUIRED, f"This operation must be declared with purpose {codes}."
        )
    return None


def uncovered(table: Mapping[str, Operation], root_fields: Iterable[str]) -> list[str]:
    """Root fields without a row, and rows naming no root field: both must be empty."""
    fields = set(root_fields)
    return sorted(fields ^ table.keys())
