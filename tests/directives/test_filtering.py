"""The filter/sort rule as a table: (role, purpose, relation, field, needs) -> allowed."""

from __future__ import annotations

import pytest

from directives.context import Caller
from directives.errors import PrivacyError
from directives.filtering import may_query_by, require_query_by, scope_relation
from directives.privacy_schema import PrivacySchema
from directives.scope import SubjectKind
from directives.vocabulary import Decision, Purpose, Relation, Role

C, M = Decision.CLEAR, Decision.MASKED


@pytest.mark.parametrize(
    ("role", "purpose", "relation", "field", "needs", "allowed"),
    [
        (Role.SUPPORT, Purpose.C, Relation.ANY, "phone", C, True),
        (Role.SUPPORT, Purpose.C, Relation.ANY, "accountNumber", C, False),  # denied
        (Role.SUPPORT, Purpose.A, Relation.ANY, "accountNumber", C, False),  # masked only
        (Role.SUPPORT, Purpose.A, Relation.ANY, "accountNumber", M, True),
        (Role.ANALYST, Purpose.F, Relation.ANY, "address", M, True),
        (Role.ANALYST, Purpose.F, Relation.ANY, "address", C, False),
        (Role.ANALYST, Purpose.F, Relation.ANY, "email", M, False),
        (Role.SUPPORT, None, Relation.ANY, "phone", C, False),  # no purpose, no search
        (Role.AGENT, Purpose.A, Relation.OWN_CUSTOMER, "phone", C, True),
        (Role.AGENT, Purpose.A, Relation.NONE, "phone", C, False),
        (Role.CUSTOMER, None, Relation.SELF, "accountNumber", C, True),  # P7.1
        (Role.BILLING, Purpose.E, Relation.ANY, "id", C, True),  # not personal
    ],
)
def test_query_by_table(
    schema: PrivacySchema,
    role: Role,
    purpose: Purpose | None,
    relation: Relation,
    field: str,
    needs: Decision,
    allowed: bool,
) -> None:
    arguments = {
        "index": schema.personal_index,
        "role": role,
        "purpose": purpose,
        "relation": relation,
        "type_name": "Customer",
        "field_name": field,
        "needs": needs,
    }
    assert may_query_by(**arguments) is allowed  # type: ignore[arg-type]
    if not allowed:
        with pytest.raises(PrivacyError) as refused:
            require_query_by(**arguments)  # type: ignore[arg-type]
        assert refused.value.code.value == "FORBIDDEN"


def _caller(role: Role) -> Caller:
    return Caller(
        account_id=1,
        login="x",
        role=role,
        customer_id=7 if role is Role.CUSTOMER else None,
        agent_id=3 if role is Role.AGENT else None,
    )


@pytest.mark.parametrize(
    ("role", "kind", "expected"),
    [
        (Role.CUSTOMER, SubjectKind.CUSTOMER, Relation.SELF),
        (Role.CUSTOMER, SubjectKind.AGENT, Relation.NONE),
        (Role.AGENT, SubjectKind.CUSTOMER, Relation.OWN_CUSTOMER),
        (Role.AGENT, SubjectKind.AGENT, Relation.SELF),
        (Role.SUPPORT, SubjectKind.CUSTOMER, Relation.ANY),
        (Role.ANALYST, SubjectKind.AGENT, Relation.ANY),
    ],
)
def test_scope_relation_table(role: Role, kind: SubjectKind, expected: Relation) -> None:
    assert scope_relation(_caller(role), kind) is expected
