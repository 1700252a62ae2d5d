"""The privacy policy as tables (POLICY.md P5, P7.1): every (role, purpose, category) decision,
who may declare which purpose, which mask each category gets, and the invariants behind them.

The expectations are written out here, not derived from `directives.policy`: changing the policy
means changing it twice, once there and once, deliberately, here.
"""

from __future__ import annotations

from itertools import product

import pytest

from directives.policy import (
    GRANTS,
    MASKS,
    Reason,
    decide,
    explain,
    mask_for,
    may_declare,
    purposes_for,
)
from directives.vocabulary import Category, Decision, MaskStrategy, Purpose, Relation, Role

# Column order of every decision row below (P1).
COLUMNS: tuple[Category, ...] = (
    Category.NAME,  # N
    Category.BIRTH_DATE,  # B
    Category.POSTAL_CODE,  # P
    Category.ADDRESS,  # A
    Category.PHONE,  # T (telephone)
    Category.FAX,  # F
    Category.EMAIL,  # E
    Category.BANK_ACCOUNT_NUMBER,  # # (account number)
    Category.BANK_ACCOUNT_HOLDER,  # H (account holder)
    Category.FREE_TEXT,  # X (text a person wrote: inquiries, messages)
)
LETTERS = {"C": Decision.CLEAR, "M": Decision.MASKED, "D": Decision.DENIED}

# (role, purpose) -> one letter per column: C = clear, M = masked, D = denied.
# Relation: ANY for staff and customers, OWN_CUSTOMER for agents.
EXPECTED: dict[Role, dict[Purpose, str]] = {
    # A customer reaches nobody else's record, whatever the purpose (own record: see SELF).
    Role.CUSTOMER: {
        #          NBPATFE#HX
        Purpose.A: "DDDDDDDDDD",
        Purpose.B: "DDDDDDDDDD",
        Purpose.C: "DDDDDDDDDD",
        Purpose.D: "DDDDDDDDDD",
        Purpose.E: "DDDDDDDDDD",
        Purpose.F: "DDDDDDDDDD",
        Purpose.G: "DDDDDDDDDD",
        Purpose.H: "DDDDDDDDDD",
    },
    # Applications (A, B) in clear but birth date and bank account masked; contact (C) by name
    # and phone/fax/e-mail; margins (E) per customer name only.
    Role.AGENT: {
        #          NBPATFE#HX
        Purpose.A: "CMCCCCCMMD",
        Purpose.B: "CMCCCCCMMD",
        Purpose.C: "CDMMCCCDDC",
        Purpose.D: "DDDDDDDDDD",
        Purpose.E: "CDDDDDDDDD",
        Purpose.F: "DDDDDDDDDD",
        Purpose.G: "DDDDDDDDDD",
        Purpose.H: "DDDDDDDDDD",
    },
    # Support as agents for A-C; administration notices (D) by e-mail or phone.
    Role.SUPPORT: {
        #          NBPATFE#HX
        Purpose.A: "CMCCCCCMMD",
        Purpose.B: "CMCCCCCMMD",
        Purpose.C: "CDMMCCCDDC",
        Purpose.D: "CDMMCMCDDC",
        Purpose.E: "DDDDDDDDDD",
        Purpose.F: "DDDDDDDDDD",
        Purpose.G: "DDDDDDDDDD",
        Purpose.H: "DDDDDDDDDD",
    },
    # Billing (E): invoices to the address, direct debit from the bank account, in clear;
    # the free text of its own records (correction reasons; inquiries do not serve E).
    Role.BILLING: {
        #          NBPATFE#HX
        Purpose.A: "DDDDDDDDDD",
        Purpose.B: "DDDDDDDDDD",
        Purpose.C: "DDDDDDDDDD",
        Purpose.D: "DDDDDDDDDD",
        Purpose.E: "CDCCCMCCCC",
        Purpose.F: "DDDDDDDDDD",
        Purpose.G: "DDDDDDDDDD",
        Purpose.H: "DDDDDDDDDD",
    },
    # Surveys (G) by post or e-mail, birth year only; announcements (H) by address, e-mail, fax.
    Role.MARKETING: {
        #          NBPATFE#HX
        Purpose.A: "DDDDDDDDDD",
        Purpose.B: "DDDDDDDDDD",
        Purpose.C: "DDDDDDDDDD",
        Purpose.D: "DDDDDDDDDD",
        Purpose.E: "DDDDDDDDDD",
        Purpose.F: "DDDDDDDDDD",
        Purpose.G: "CMCCDDCDDD",
        Purpose.H: "CDCCMCCDDD",
    },
    # Research (F) never in clear: coarse birth year and region only.
    Role.ANALYST: {
        #          NBPATFE#HX
        Purpose.A: "DDDDDDDDDD",
        Purpose.B: "DDDDDDDDDD",
        Purpose.C: "DDDDDDDDDD",
        Purpose.D: "DDDDDDDDDD",
        Purpose.E: "DDDDDDDDDD",
        Purpose.F: "DMMMDDDDDD",
        Purpose.G: "DDDDDDDDDD",
        Purpose.H: "DDDDDDDDDD",
    },
    # Not above the policy: D only, who to notify and how; no birth date, no bank account.
    Role.ADMIN: {
        #          NBPATFE#HX
        Purpose.A: "DDDDDDDDDD",
        Purpose.B: "DDDDDDDDDD",
        Purpose.C: "DDDDDDDDDD",
        Purpose.D: "CDMMMMCDDC",
        Purpose.E: "DDDDDDDDDD",
        Purpose.F: "DDDDDDDDDD",
        Purpose.G: "DDDDDDDDDD",
        Purpose.H: "DDDDDDDDDD",
    },
    # Auditors see that a value exists, never the value itself.
    Role.AUDITOR: {
        #          NBPATFE#HX
        Purpose.A: "DDDDDDDDDD",
        Purpose.B: "DDDDDDDDDD",
        Purpose.C: "DDDDDDDDDD",
        Purpose.D: "MMMMMMMMMM",
        Purpose.E: "DDDDDDDDDD",
        Purpose.F: "DDDDDDDDDD",
        Purpose.G: "DDDDDDDDDD",
        Purpose.H: "DDDDDDDDDD",
    },
    # An option provider's staff (P8.1): B only, to reach and identify its subscribers; never
    # birth date, fax, bank account or free text. Its NDA narrows this further.
    Role.PARTNER: {
        #          NBPATFE#HX
        Purpose.A: "DDDDDDDDDD",
        Purpose.B: "CDCCCDCDDD",
        Purpose.C: "DDDDDDDDDD",
        Purpose.D: "DDDDDDDDDD",
        Purpose.E: "DDDDDDDDDD",
        Purpose.F: "DDDDDDDDDD",
        Purpose.G: "DDDDDDDDDD",
        Purpose.H: "DDDDDDDDDD",
    },
}

# Which purposes (P5 letters) each role may declare; every other purpose it may not.
DECLARES: dict[Role, str] = {
    Role.CUSTOMER: "ABCDE",  # own record only (P7.1); no surveys, research or marketing
    Role.AGENT: "ABCE",  # applications, contact, margins; not administration
    Role.SUPPORT: "ABCD",
    Role.BILLING: "E",
    Role.MARKETING: "GH",
    Role.ANALYST: "F",
    Role.ADMIN: "D",  # not above the policy
    Role.AUDITOR: "D",
    Role.PARTNER: "B",  # option services only, under its NDA
}

EXPECTED_MASKS: dict[Category, MaskStrategy] = {
    Category.NAME: MaskStrategy.NAME_INITIALS,
    Category.BIRTH_DATE: MaskStrategy.DATE_YEAR_ONLY,
    Category.POSTAL_CODE: MaskStrategy.POSTAL_PREFIX,
    Category.ADDRESS: MaskStrategy.PREFECTURE_ONLY,
    Category.PHONE: MaskStrategy.SHOW_LAST_4,
    Category.FAX: MaskStrategy.SHOW_LAST_4,
    Category.EMAIL: MaskStrategy.EMAIL_MASK,
    Category.BANK_ACCOUNT_NUMBER: MaskStrategy.SHOW_LAST_2,
    Category.BANK_ACCOUNT_HOLDER: MaskStrategy.NAME_INITIALS,
    Category.FREE_TEXT: MaskStrategy.REDACT,
}

ALL_PURPOSES: frozenset[Purpose] = frozenset(Purpose)
PURPOSES_OR_NONE: tuple[Purpose | None, ...] = (*Purpose, None)


def expected(role: Role, purpose: Purpose, category: Category) -> Decision:
    return LETTERS[EXPECTED[role][purpose][COLUMNS.index(category)]]


def declares(role: Role, purpose: Purpose) -> bool:
    return purpose.value in DECLARES[role]


def reach(role: Role) -> Relation:
    """The widest relation a role can have to someone else's record."""
    own = {Role.AGENT: Relation.OWN_CUSTOMER, Role.PARTNER: Relation.PARTNER_CUSTOMER}
    return own.get(role, Relation.ANY)


def _decide(
    role: Role,
    purpose: Purpose | None,
    category: Category,
    *,
    relation: Relation | None = None,
    field_purposes: frozenset[Purpose] = ALL_PURPOSES,
    consent_withdrawn: frozenset[Purpose] = frozenset(),
) -> tuple[Decision, Reason]:
    return explain(
        role=role,
        purpose=purpose,
        category=category,
        relation=reach(role) if relation is None else relation,
        field_purposes=field_purposes,
        consent_withdrawn=consent_withdrawn,
    )


def _ids(*values: object) -> str:
    return "-".join("None" if value is None else str(value) for value in values)


TABLE = [
    pytest.param(r, p, c, expected(r, p, c), id=_ids(r, p, c))
    for r, p, c in product(Role, Purpose, Category)
]
GRANTED = [  # (role, purpose, category) the table lets through, clear or masked
    pytest.param(role, purpose, category, id=_ids(role, purpose, category))
    for role, purpose, category in product(Role, Purpose, Category)
    if expected(role, purpose, category) is not Decision.DENIED
]


# --- the table --------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "purpose", "category", "decision"), TABLE)
def test_decide_follows_the_table(
    role: Role, purpose: Purpose, category: Category, decision: Decision
) -> None:
    assert (
        decide(
            role=role,
            purpose=purpose,
            category=category,
            relation=reach(role),
            field_purposes=ALL_PURPOSES,
        )
        is decision
    )


@pytest.mark.parametrize(("role", "purpose", "category", "decision"), TABLE)
def test_table_holds_for_a_field_with_its_default_purposes(
    role: Role, purpose: Purpose, category: Category, decision: Decision
) -> None:
    """`@personal` fields serve `purposes_for(category)` by default: nothing granted is lost."""
    served = purposes_for(category)
    assert _decide(role, purpose, category, field_purposes=served)[0] is decision


@pytest.mark.parametrize(
    ("role", "purpose"),
    [pytest.param(r, p, id=_ids(r, p)) for r, p in product(Role, Purpose)],
)
def test_may_declare(role: Role, purpose: Purpose) -> None:
    assert may_declare(role, purpose) is declares(role, purpose)


# --- SELF, NONE and scope ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "purpose", "category"),
    [
        pytest.param(r, p, c, id=_ids(r, p, c))
        for r, p, c in product(Role, PURPOSES_OR_NONE, Category)
    ],
)
@pytest.mark.parametrize(
    ("field_purposes", "withdrawn"),
    [
        pytest.param(None, frozenset(), id="default-field"),
        pytest.param(frozenset(), ALL_PURPOSES, id="field-serving-nothing-all-consent-withdrawn"),
    ],
)
def test_self_is_always_clear(
    role: Role,
    purpose: Purpose | None,
    category: Category,
    field_purposes: frozenset[Purpose] | None,
    withdrawn: frozenset[Purpose],
) -> None:
    """P7.1: one's own record can be looked up at any time, with or without a purpose."""
    served = purposes_for(category) if field_purposes is None else field_purposes
    assert _decide(
        role,
        purpose,
        category,
        relation=Relation.SELF,
        field_purposes=served,
        consent_withdrawn=withdrawn,
    ) == (Decision.CLEAR, Reason.SELF)


@pytest.mark.parametrize(
    ("role", "purpose", "category"),
    [
        pytest.param(r, p, c, id=_ids(r, p, c))
        for r, p, c in product(Role, PURPOSES_OR_NONE, Category)
    ],
)
def test_no_relation_is_always_denied(
    role: Role, purpose: Purpose | None, category: Category
) -> None:
    assert _decide(role, purpose, category, relation=Relation.NONE) == (
        Decision.DENIED,
        Reason.OUT_OF_SCOPE,
    )


@pytest.mark.parametrize(
    ("purpose", "category"),
    [pytest.param(p, c, id=_ids(p, c)) for p, c in product(PURPOSES_OR_NONE, Category)],
)
def test_agent_reaches_only_own_customers(purpose: Purpose | None, category: Category) -> None:
    assert _decide(Role.AGENT, purpose, category, relation=Relation.ANY) == (
        Decision.DENIED,
        Reason.OUT_OF_SCOPE,
    )


@pytest.mark.parametrize(
    ("relation", "purpose", "category"),
    [
        pytest.param(rel, p, c, id=_ids(rel, p, c))
        for rel, p, c in product(
            (Relation.ANY, Relation.OWN_CUSTOMER, Relation.NONE), PURPOSES_OR_NONE, Category
        )
    ],
)
def test_customer_never_sees_another_record(
    relation: Relation, purpose: Purpose | None, category: Category
) -> None:
    assert _decide(Role.CUSTOMER, purpose, category, relation=relation)[0] is Decision.DENIED


@pytest.mark.parametrize(
    ("role", "category"),
    [pytest.param(r, c, id=_ids(r, c)) for r, c in product(Role, Category)],
)
def test_no_purpose_is_denied_outside_self(role: Role, category: Category) -> None:
    assert _decide(role, None, category) == (Decision.DENIED, Reason.NO_PURPOSE)


# --- purposes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "purpose", "category"),
    [
        pytest.param(r, p, c, id=_ids(r, p, c))
        for r, p, c in product(Role, Purpose, Category)
        if not declares(r, p)
    ],
)
def test_undeclarable_purpose_is_denied(role: Role, purpose: Purpose, category: Category) -> None:
    assert _decide(role, purpose, category)[0] is Decision.DENIED


@pytest.mark.parametrize(("role", "purpose", "category"), GRANTED)
@pytest.mark.parametrize(
    "served",
    [
        pytest.param("all-but-declared", id="field-serving-all-but-the-declared-purpose"),
        pytest.param("none", id="field-serving-nothing"),
    ],
)
def test_purpose_the_field_does_not_serve_is_denied(
    role: Role, purpose: Purpose, category: Category, served: str
) -> None:
    field_purposes = ALL_PURPOSES - {purpose} if served == "all-but-declared" else frozenset()
    assert _decide(role, purpose, category, field_purposes=field_purposes) == (
        Decision.DENIED,
        Reason.PURPOSE_NOT_SERVED,
    )


@pytest.mark.parametrize("category", list(Category))
def test_purposes_for_is_exactly_the_purposes_with_a_grant(category: Category) -> None:
    granted = {
        purpose
        for role, purpose in product(Role, Purpose)
        if expected(role, purpose, category) is not Decision.DENIED
    }
    assert purposes_for(category) == granted


# --- consent (P5: G and H can be refused) -----------------------------------------------------


@pytest.mark.parametrize(
    ("purpose", "category"),
    [
        pytest.param(p, c, id=_ids(p, c))
        for p, c in product((Purpose.G, Purpose.H), Category)
        if expected(Role.MARKETING, p, c) is not Decision.DENIED
    ],
)
def test_withdrawn_consent_denies(purpose: Purpose, category: Category) -> None:
    assert _decide(Role.MARKETING, purpose, category, consent_withdrawn=frozenset({purpose})) == (
        Decision.DENIED,
        Reason.CONSENT_WITHDRAWN,
    )


@pytest.mark.parametrize(
    ("purpose", "withdrawn", "category"),
    [
        pytest.param(p, w, c, id=_ids(p, f"withdrawn-{w}", c))
        for (p, w), c in product(((Purpose.G, Purpose.H), (Purpose.H, Purpose.G)), Category)
    ],
)
def test_withdrawing_one_consent_leaves_the_other(
    purpose: Purpose, withdrawn: Purpose, category: Category
) -> None:
    decision = _decide(Role.MARKETING, purpose, category, consent_withdrawn=frozenset({withdrawn}))
    assert decision[0] is expected(Role.MARKETING, purpose, category)
    assert decision[1] is not Reason.CONSENT_WITHDRAWN


@pytest.mark.parametrize(
    ("role", "purpose", "category"),
    [
        pytest.param(r, p, c, id=_ids(r, p, c))
        for r, p, c in product(Role, Purpose, Category)
        if p not in (Purpose.G, Purpose.H)
    ],
)
@pytest.mark.parametrize(
    "withdrawn",
    [
        pytest.param(frozenset({Purpose.G, Purpose.H}), id="withdrawn-G-H"),
        # Only G and H rest on consent (P5): a withdrawal naming A-F has nothing to withdraw.
        pytest.param(ALL_PURPOSES, id="withdrawn-everything"),
    ],
)
def test_withdrawn_consent_never_touches_a_to_f(
    role: Role, purpose: Purpose, category: Category, withdrawn: frozenset[Purpose]
) -> None:
    decision = _decide(role, purpose, category, consent_withdrawn=withdrawn)[0]
    assert decision is expected(role, purpose, category)


# --- masks ------------------------------------------------------------------------------------


def test_every_category_has_a_mask() -> None:
    assert set(MASKS) == set(Category)


@pytest.mark.parametrize(
    ("role", "category"),
    [
        pytest.param(r, c, id=_ids(r, c))
        for r, c in product(Role, Category)
        if r is not Role.AUDITOR
    ],
)
def test_mask_for_category(role: Role, category: Category) -> None:
    assert mask_for(role, category) is EXPECTED_MASKS[category]


@pytest.mark.parametrize("category", list(Category))
def test_auditor_mask_is_redact(category: Category) -> None:
    assert mask_for(Role.AUDITOR, category) is MaskStrategy.REDACT


# --- invariants of the policy's own data ------------------------------------------------------


@pytest.mark.parametrize(("role", "purpose"), [pytest.param(*key, id=_ids(*key)) for key in GRANTS])
def test_no_grant_for_an_undeclarable_purpose(role: Role, purpose: Purpose) -> None:
    assert may_declare(role, purpose)


@pytest.mark.parametrize(("role", "purpose"), [pytest.param(*key, id=_ids(*key)) for key in GRANTS])
def test_every_grant_row_covers_every_category(role: Role, purpose: Purpose) -> None:
    assert set(GRANTS[(role, purpose)]) == set(Category)


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AUDITOR])
def test_role_never_gets_clear(role: Role) -> None:
    granted = [
        (purpose, category)
        for (grant_role, purpose), row in GRANTS.items()
        if grant_role is role
        for category, decision in row.items()
        if decision is Decision.CLEAR
    ]
    decided = [
        (purpose, category)
        for purpose, category in product(Purpose, Category)
        if _decide(role, purpose, category)[0] is Decision.CLEAR
    ]
    assert granted == []
    assert decided == []


@pytest.mark.parametrize("category", list(Category))
def test_a_partner_gets_only_what_both_its_row_and_its_nda_allow(category: Category) -> None:
    """P8.1: the NDA narrows the PARTNER row; it never widens it; no NDA, nothing."""
    nda = frozenset({Category.NAME, Category.PHONE, Category.BIRTH_DATE})
    decision, reason = explain(
        role=Role.PARTNER,
        purpose=Purpose.B,
        category=category,
        relation=Relation.PARTNER_CUSTOMER,
        field_purposes=ALL_PURPOSES,
        permitted=nda,
    )
    if category in {Category.NAME, Category.PHONE}:
        assert decision is Decision.CLEAR
    elif category is Category.BIRTH_DATE:  # named by the NDA, denied by the row
        assert (decision, reason) == (Decision.DENIED, Reason.POLICY_TABLE)
    else:
        assert (decision, reason) == (Decision.DENIED, Reason.NOT_IN_AGREEMENT)
    nothing = explain(
        role=Role.PARTNER,
        purpose=Purpose.B,
        category=category,
        relation=Relation.PARTNER_CUSTOMER,
        field_purposes=ALL_PURPOSES,
        permitted=frozenset(),
    )
    assert nothing[0] is Decision.DENIED
    # Another relation (a customer it does not serve) is out of scope whatever the NDA says.
    elsewhere = explain(
        role=Role.PARTNER,
        purpose=Purpose.B,
        category=category,
        relation=Relation.ANY,
        field_purposes=ALL_PURPOSES,
        permitted=nda,
    )
    assert elsewhere == (Decision.DENIED, Reason.OUT_OF_SCOPE)
