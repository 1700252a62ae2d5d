"""Applies the one filter/sort rule (`directives.filtering`) to a request, and the purpose
rules of business operations. Field values themselves stay the enforcement point's business."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from directives import filtering
from directives.errors import ErrorCode, PrivacyError
from directives.scope import SubjectKind
from directives.vocabulary import Decision, Purpose
from models import Customer
from resolvers.people.query import Info, caller_of


def require_query_by(
    info: Info,
    *,
    type_name: str,
    fields: list[str],
    kind: SubjectKind = SubjectKind.CUSTOMER,
    needs: Decision = Decision.CLEAR,
) -> None:
    """Refuse unless every personal field searched, sorted or grouped by would be visible."""
    caller = caller_of(info)
    for field_name in fields:
        filtering.require_query_by(
            index=info.schema.personal_index,  # type: ignore[attr-defined]
            role=caller.role,
            purpose=info.context.purpose,
            relation=filtering.scope_relation(caller, kind),
            type_name=type_name,
            field_name=field_name,
            needs=needs,
        )


def consenting(query: QuerySet[Customer], purpose: Purpose | None) -> QuerySet[Customer]:
    """Leave out customers who withdrew consent to `purpose` (P5: G and H need it), so that
    no search under G or H can match on, or count, their values."""
    if purpose is Purpose.G:
        return query.filter(survey_opt_out=False)
    if purpose is Purpose.H:
        return query.filter(marketing_opt_out=False)
    return query


def require_purpose(info: Info, *purposes: Purpose) -> Purpose:
    """A business operation is one workflow of one purpose (P5): it must be declared."""
    purpose = info.context.purpose
    if purpose not in purposes:
        codes = ", ".join(p.value for p in purposes)
        raise PrivacyError(
            ErrorCode.PURPOSE_REQUIRED, f"This operation must be declared with purpose {codes}."
        )
    return purpose
