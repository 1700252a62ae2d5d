"""Applies the one filter/sort rule (`directives.filtering`) and the consent rule to a
request. Field values themselves stay the enforcement point's business."""

from __future__ import annotations

from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from directives import filtering
from directives.consent import CONSENT_COLUMN
from directives.scope import SubjectKind
from directives.vocabulary import Decision, Purpose
from schema.context import Info, caller_of

M = TypeVar("M", bound=Model)


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


def consenting(query: QuerySet[M], purpose: Purpose | None, through: str = "") -> QuerySet[M]:
    """Leave out customers who withdrew consent to `purpose` (P5: G and H need it), so that
    nothing under G or H can match on, list or count them. `through` is the lookup from the
    queried rows to their customer (`"customer__"`), empty for customers themselves."""
    column = CONSENT_COLUMN.get(purpose) if purpose is not None else None
    return query.filter(**{through + column: False}) if column else query
