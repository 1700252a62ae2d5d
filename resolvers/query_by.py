"""Applies the one filter/sort rule (`directives.filtering`) and the consent rule to a
request. Field values themselves stay the enforcement point's business."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from tortoise.functions import Count as CountRows
from tortoise.models import Model
from tortoise.queryset import QuerySet

from directives import filtering, provision
from directives.audit import AuditBuffer, utc_now
from directives.consent import CONSENT_COLUMN, in_force_filter
from directives.context import PrivacyContext
from directives.operations import OPERATIONS
from directives.provision import Provision
from directives.scope import SubjectKind
from directives.usage import Use, Uses, uses
from directives.vocabulary import Decision, Purpose
from models.third_parties import Ground
from schema.context import Info, caller_of
from schema.page import Count

M = TypeVar("M", bound=Model)


def require_query_by(
    info: Info,
    *,
    type_name: str,
    fields: Mapping[str, Use],
    kind: SubjectKind = SubjectKind.CUSTOMER,
    needs: Decision = Decision.CLEAR,
) -> Uses:
    """Refuse unless every personal field searched, sorted or grouped by would be visible;
    the answer records, once the caller names them, the subjects whose values were used."""
    require_visible(info, type_name=type_name, fields=fields, kind=kind, needs=needs)
    return uses(info.context.audit, kind.value, type_name, fields)


def require_visible(
    info: Info,
    *,
    type_name: str,
    fields: Iterable[str],
    kind: SubjectKind = SubjectKind.CUSTOMER,
    needs: Decision = Decision.CLEAR,
) -> None:
    """The filter rule alone: every field would be shown `needs` or better to the caller."""
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


def provided(
    info: Info,
    *,
    recipient: str,
    provider_id: int | None,
    ground: Ground,
    fields: Iterable[str],
) -> Provision:
    """Customer values handed to a third party (P8): every path that does opens one here.
    The basis is the ground, recorded with every audit entry (`field:PROVIDE,...,#ground:`)
    and every provision record; the guard fails the operation closed unless the provision
    is given (`Provision.give`). What each ground may carry is checked before: P8.2 by the
    policy's DELIVERY_ITEMS and the caller's own view (`require_visible`), P8.3 by
    `directives.provision.DISCLOSABLE` and a second person's approval."""
    return provision.open_provision(
        info.context.audit,
        recipient=recipient,
        provider_id=provider_id,
        ground=ground,
        items=fields,
    )


def consenting(
    query: QuerySet[M], declared: PrivacyContext | Purpose | None, through: str = ""
) -> QuerySet[M]:
    """Leave out customers who withdrew consent to the declared purpose (P5: G and H need
    it), and, for a named use outside A-H, all but those whose consent to it is in force, so
    that nothing can match on, list or count them. `declared`: the operation's context (its
    purpose and named use), or a purpose alone (a count shown outside the list it counts).
    `through` is the lookup from the queried rows to their customer (`"customer__"`), empty
    for customers themselves."""
    if isinstance(declared, PrivacyContext):
        purpose, named_use = declared.purpose, declared.named_use
    else:
        purpose, named_use = declared, None

    column = CONSENT_COLUMN.get(purpose) if purpose is not None else None
    if column:
        query = query.filter(**{through + column: False})
    if named_use:
        query = query.filter(**in_force_filter(named_use, utc_now(), through))
    return query


async def counts_by(query: QuerySet[M], column: str) -> dict[int, int]:
    """Rows of `query` counted per value of `column` (one grouped query): a count shown
    beside a list comes from the list's own query, scope and consent included."""
    rows = await query.annotate(n=CountRows("id")).group_by(column).values_list(column, "n")
    return {int(key): int(n) for key, n in rows}


def list_purpose(operation: str) -> Purpose:
    """The one purpose a list operation is declared with (`directives.operations`): a count
    shown elsewhere of the same people applies that purpose's consent, as the list does."""
    purposes = OPERATIONS[operation].purposes
    if purposes is None or len(purposes) != 1:
        raise ValueError(f"{operation} is not declared with exactly one purpose")
    (purpose,) = purposes
    return purpose


def counted_use(query: QuerySet[M], buffer: AuditBuffer, used: Mapping[str, Use]) -> Count:
    """A `totalCount` over a filter on personal fields tells whose values matched: when the
    client asks for it, it records every matched subject, like the page's rows."""

    async def count() -> int:
        ids = await query.values_list("id", flat=True)
        uses(buffer, SubjectKind.CUSTOMER.value, "Customer", used).subjects(
            int(i)  # type: ignore[call-overload]
            for i in ids
        )
        return len(ids)

    return count
