"""The privacy policy as data plus pure functions. Read it next to shared/policy/POLICY.md.

Every answer the API gives about a personal field comes from `decide` and `mask_for`; the
enforcement point only applies them. Nothing here sees a request, a row or a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from directives.consent import CONSENT_PURPOSES
from directives.vocabulary import Category, Decision, MaskStrategy, Purpose, Relation, Role

# Which purposes each role may declare (P5). An administrator is not above the policy: ADMIN
# declares only D (system administration). Customers may omit a purpose for their own record
# (P7.1); see `decide`.
DECLARABLE: Mapping[Role, frozenset[Purpose]] = {
    Role.CUSTOMER: frozenset({Purpose.A, Purpose.B, Purpose.C, Purpose.D, Purpose.E}),
    Role.AGENT: frozenset({Purpose.A, Purpose.B, Purpose.C, Purpose.E}),
    Role.SUPPORT: frozenset({Purpose.A, Purpose.B, Purpose.C, Purpose.D}),
    Role.BILLING: frozenset({Purpose.E}),
    Role.MARKETING: frozenset({Purpose.G, Purpose.H}),
    Role.ANALYST: frozenset({Purpose.F}),
    Role.ADMIN: frozenset({Purpose.D}),
    Role.AUDITOR: frozenset({Purpose.D}),
    # An option provider's staff (P8.1) apply for and run its option services (B) only.
    Role.PARTNER: frozenset({Purpose.B}),
}

# Column order of the rows below.
COLUMNS: tuple[Category, ...] = (
    Category.NAME,
    Category.BIRTH_DATE,
    Category.POSTAL_CODE,
    Category.ADDRESS,
    Category.PHONE,
    Category.FAX,
    Category.EMAIL,
    Category.BANK_ACCOUNT_NUMBER,
    Category.BANK_ACCOUNT_HOLDER,
    Category.FREE_TEXT,
)
_LETTER = {"C": Decision.CLEAR, "M": Decision.MASKED, "D": Decision.DENIED}

# (role, purpose) -> one letter per column: C = clear, M = masked, D = denied.
#                                       N B P A P F E # H X   (name, birth, postal, address,
#                                                                phone, fax, e-mail, account
#                                                                number, account holder,
#                                                                free text)
_ROWS: Mapping[tuple[Role, Purpose], str] = {
    # Agents handle applications for their own customers (A, B): contact details in clear,
    # birth date and bank account only masked (the bank's direct debit is billing's job).
    (Role.AGENT, Purpose.A): "CMCCCCCMMD",
    (Role.AGENT, Purpose.B): "CMCCCCCMMD",
    # Contact (C) needs a name and a way to reach the person, nothing more.
    (Role.AGENT, Purpose.C): "CDMMCCCDDC",
    # An agent's margins (E) are computed per customer: the name identifies the line.
    (Role.AGENT, Purpose.E): "CDDDDDDDDD",
    (Role.SUPPORT, Purpose.A): "CMCCCCCMMD",
    (Role.SUPPORT, Purpose.B): "CMCCCCCMMD",
    (Role.SUPPORT, Purpose.C): "CDMMCCCDDC",
    # System administration notices (D) go by e-mail or phone.
    (Role.SUPPORT, Purpose.D): "CDMMCMCDDC",
    # Billing (E) sends invoices to the address and collects from the bank account; it
    # reads the free text of its own records (invoice lines, correction reasons). Free text
    # of other kinds (inquiries) does not serve E, so it stays denied to billing.
    (Role.BILLING, Purpose.E): "CDCCCMCCCC",
    # Surveys (G) go by post or e-mail; the birth year is enough for demographics.
    (Role.MARKETING, Purpose.G): "CMCCDDCDDD",
    # Announcements (H): newsletters (e-mail), direct mail (address), fax.
    (Role.MARKETING, Purpose.H): "CDCCMCCDDD",
    # Research (F) never gets a clear value: coarse birth year and region only.
    (Role.ANALYST, Purpose.F): "DMMMDDDDDD",
    # Administration (D) by an administrator: who to notify and how, nothing else.
    (Role.ADMIN, Purpose.D): "CDMMMMCDDC",
    # Auditors never see a value in clear: they see that a value exists, redacted.
    (Role.AUDITOR, Purpose.D): "MMMMMMMMMM",
    # An option provider (P8.1) reaches and identifies the subscribers of its own options:
    # name, address, phone, e-mail at most; never birth date, fax, bank account or free text.
    # Its NDA narrows this further to the categories it names (`permitted` in `explain`).
    (Role.PARTNER, Purpose.B): "CDCCCDCDDD",
}


def _parse(row: str) -> Mapping[Category, Decision]:
    return {category: _LETTER[letter] for category, letter in zip(COLUMNS, row, strict=True)}


GRANTS: Mapping[tuple[Role, Purpose], Mapping[Category, Decision]] = {
    key: _parse(row) for key, row in _ROWS.items()
}

# Purposes that rest on the person not having withdrawn consent (P5: outside A–F the person
# can refuse questionnaires and announcements).
CONSENT_BASED: frozenset[Purpose] = CONSENT_PURPOSES

# What a delivery company receives (P8.2: お届け先の「氏名・住所・電話番号」): name, address and
# telephone number only. A delivery manifest's columns are the personal fields of these
# categories, so a field of any other category never gets in.
DELIVERY_ITEMS: frozenset[Category] = frozenset({Category.NAME, Category.ADDRESS, Category.PHONE})

# What an exceptional disclosure (P8.3) may carry, by its ground: never more than the approved
# request names. A payment institution's inquiry concerns payments: who, where, which account.
# The other grounds (an authority's investigation, life and body, public welfare, a business
# transfer, the person's own consent) are not limited by category, only by the request.
PAYMENT_INQUIRY_ITEMS: frozenset[Category] = frozenset(
    {
        Category.NAME,
        Category.BIRTH_DATE,
        Category.POSTAL_CODE,
        Category.ADDRESS,
        Category.PHONE,
        Category.BANK_ACCOUNT_NUMBER,
        Category.BANK_ACCOUNT_HOLDER,
    }
)

MASKS: Mapping[Category, MaskStrategy] = {
    Category.NAME: MaskStrategy.NAME_INITIALS,
    Category.BIRTH_DATE: MaskStrategy.DATE_YEAR_ONLY,
    Category.POSTAL_CODE: MaskStrategy.POSTAL_PREFIX,
    Category.ADDRESS: MaskStrategy.PREFECTURE_ONLY,
    Category.PHONE: MaskStrategy.SHOW_LAST_4,
    Category.FAX: MaskStrategy.SHOW_LAST_4,
    Category.EMAIL: MaskStrategy.EMAIL_MASK,
    Category.BANK_ACCOUNT_NUMBER: MaskStrategy.SHOW_LAST_2,
    Category.BANK_ACCOUNT_HOLDER: MaskStrategy.NAME_INITIALS,
    Category.FREE_TEXT: MaskStrategy.REDACT,  # no partial view of free text is safe
}

# Roles whose masked values are fully redacted whatever the category.
_REDACTING_ROLES: frozenset[Role] = frozenset({Role.AUDITOR})


def may_declare(role: Role, purpose: Purpose) -> bool:
    return purpose in DECLARABLE[role]


def purposes_for(category: Category) -> frozenset[Purpose]:
    """Purposes under which some role may see `category` at all (clear or masked)."""
    return frozenset(
        purpose
        for (_, purpose), grants in GRANTS.items()
        if grants[category] is not Decision.DENIED
    )


class Reason(StrEnum):
    """Why a field was not given in clear; goes into the privacy receipt."""

    SELF = "SELF"
    POLICY_TABLE = "POLICY_TABLE"  # the (role, purpose) row says so
    PURPOSE_NOT_SERVED = "PURPOSE_NOT_SERVED"  # the field does not serve the declared purpose
    NO_PURPOSE = "NO_PURPOSE"
    CONSENT_WITHDRAWN = "CONSENT_WITHDRAWN"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    NOT_IN_AGREEMENT = "NOT_IN_AGREEMENT"  # a third party's NDA does not name the category


# Whose records a role reaches only through a relation of its own (everyone else: staff).
_OWN_RELATION: Mapping[Role, Relation] = {
    Role.AGENT: Relation.OWN_CUSTOMER,
    Role.PARTNER: Relation.PARTNER_CUSTOMER,
}


def explain(
    *,
    role: Role,
    purpose: Purpose | None,
    category: Category,
    relation: Relation,
    field_purposes: frozenset[Purpose],
    consent_withdrawn: frozenset[Purpose] = frozenset(),
    permitted: frozenset[Category] | None = None,
) -> tuple[Decision, Reason]:
    """CLEAR, MASKED or DENIED for one personal field of one row, and why. `permitted`: the
    categories a third party's agreement names for this row (None: no agreement limits it)."""
    if relation is Relation.SELF:
        return Decision.CLEAR, Reason.SELF  # P7.1: one's own record is always in clear
    own = _OWN_RELATION.get(role)
    if relation is Relation.NONE or (own is not None and relation is not own):
        return Decision.DENIED, Reason.OUT_OF_SCOPE
    if permitted is not None and category not in permitted:
        return Decision.DENIED, Reason.NOT_IN_AGREEMENT
    if purpose is None:
        return Decision.DENIED, Reason.NO_PURPOSE
    if purpose not in field_purposes:
        return Decision.DENIED, Reason.PURPOSE_NOT_SERVED
    if purpose in CONSENT_BASED and purpose in consent_withdrawn:
        return Decision.DENIED, Reason.CONSENT_WITHDRAWN
    if not may_declare(role, purpose):
        return Decision.DENIED, Reason.POLICY_TABLE
    return GRANTS.get((role, purpose), {}).get(category, Decision.DENIED), Reason.POLICY_TABLE


def decide(
    *,
    role: Role,
    purpose: Purpose | None,
    category: Category,
    relation: Relation,
    field_purposes: frozenset[Purpose],
    consent_withdrawn: frozenset[Purpose] = frozenset(),
    permitted: frozenset[Category] | None = None,
) -> Decision:
    """The decision alone; see `explain`."""
    return explain(
        role=role,
        purpose=purpose,
        category=category,
        relation=relation,
        field_purposes=field_purposes,
        consent_withdrawn=consent_withdrawn,
        permitted=permitted,
    )[0]


def mask_for(role: Role, category: Category) -> MaskStrategy:
    return MaskStrategy.REDACT if role in _REDACTING_ROLES else MASKS[category]
