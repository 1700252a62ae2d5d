"""The one check for searching, filtering, sorting or grouping by a personal field.

A filter or a sort on a field reveals its value as surely as selecting it: `phone = X` answers
"whose phone is X", and an order reveals how values compare. So a caller may filter or sort
by a personal field only where the policy would show it that field in clear (P3.2, P5); a
grouping for research (P5.F) only where the policy shows at least the masked value whose
granularity the grouping does not exceed. Pure: plain values in, a decision or a refusal out.
"""

from __future__ import annotations

from directives.context import Caller
from directives.errors import ErrorCode, PrivacyError
from directives.index import PersonalIndex
from directives.policy import explain
from directives.scope import Subject, SubjectKind, relation
from directives.vocabulary import Decision, Purpose, Relation, Role

_ACCEPTED: dict[Decision, frozenset[Decision]] = {
    Decision.CLEAR: frozenset({Decision.CLEAR}),
    Decision.MASKED: frozenset({Decision.CLEAR, Decision.MASKED}),
}


def scope_relation(caller: Caller, kind: SubjectKind) -> Relation:
    """How the caller stands to every row of `kind` its scope can hold (rows are scoped
    first): `directives.scope.relation` to a representative row of that scope."""
    if kind is SubjectKind.AGENT:
        return relation(caller, Subject(kind, caller.agent_id or 0))
    holder = caller.customer_id or 0
    return relation(caller, Subject(kind, holder, caller.agent_id, customer_id=holder))


def may_query_by(
    *,
    index: PersonalIndex,
    role: Role,
    purpose: Purpose | None,
    relation: Relation,
    type_name: str,
    field_name: str,
    needs: Decision = Decision.CLEAR,
) -> bool:
    """Whether the policy gives `role` under `purpose` at least `needs` for that field."""
    personal = index.fields_of(type_name).get(field_name)
    if personal is None:
        return True  # not a personal field: nothing to protect
    decision, _ = explain(
        role=role,
        purpose=purpose,
        category=personal.category,
        relation=relation,
        field_purposes=personal.purposes,
    )
    return decision in _ACCEPTED[needs]


def require_query_by(
    *,
    index: PersonalIndex,
    role: Role,
    purpose: Purpose | None,
    relation: Relation,
    type_name: str,
    field_name: str,
    needs: Decision = Decision.CLEAR,
) -> None:
    """Refuse (FORBIDDEN) unless `may_query_by`; the message names the field, never a value."""
    if not may_query_by(
        index=index,
        role=role,
        purpose=purpose,
        relation=relation,
        type_name=type_name,
        field_name=field_name,
        needs=needs,
    ):
        raise PrivacyError(
            ErrorCode.FORBIDDEN,
            f"Searching, sorting or grouping by {type_name}.{field_name} needs that field "
            "visible to your role under the declared purpose.",
        )
