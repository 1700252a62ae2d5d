"""Exceptional disclosures (P8.3): one member of staff records the request (ground, party,
reference, persons, fields, whether consent was sought); another approves it — producing
the file and a provision record per person — or refuses it with a reason."""

from __future__ import annotations

import strawberry

from directives import provision
from directives.audit import utc_now
from directives.errors import ErrorCode, PrivacyError
from directives.index import PersonalField
from directives.reasons import ReasonCode, refused
from models import Customer as CustomerRow
from models import Disclosure as DisclosureRow
from models.third_parties import DisclosureStatus, Ground, RefusalReason
from resolvers.people.scope import visible_customers
from resolvers.query_by import provided
from resolvers.scope import not_found
from resolvers.third_parties.delivery import parse_customer_ids
from resolvers.third_parties.manifest import manifest_csv
from schema.context import Info, caller_of
from schema.page import parse_row_id
from schema.people.customer import Customer
from schema.third_parties.disclosure import Disclosure, DisclosureRequest


def _columns(info: Info, ground: Ground, names: list[str]) -> tuple[PersonalField, ...]:
    """The Customer's personal fields named, in the type's order; each must be one the
    ground may carry (`directives.provision.DISCLOSABLE`)."""
    fields = info.schema.personal_index.fields_of("Customer")  # type: ignore[attr-defined]
    allowed = provision.DISCLOSABLE.get(ground)
    if allowed is None:
        raise refused(
            ReasonCode.NOT_A_GROUND,
            "Not a ground of P8.3 (NDA, delivery: P8.1-2).",
            fields=["ground"],
        )
    unknown = [n for n in names if n not in fields or fields[n].category not in allowed]
    if unknown or not names:
        raise refused(
            ReasonCode.FIELDS_NOT_DISCLOSABLE,
            f"Fields not disclosable on this ground: {', '.join(unknown)}.",
            fields=["fields"],
        )
    return tuple(f for f in fields.values() if f.name in names)


def _text(value: str, limit: int, what: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= limit:
        raise refused(ReasonCode.INVALID_VALUE, f"{what}: 1..{limit} characters.")
    return value


async def _people(info: Info, ids: list[int]) -> list[CustomerRow]:
    rows = await visible_customers(caller_of(info)).filter(id__in=ids).order_by("id")
    if len(rows) != len(ids):
        raise not_found("customer")
    return rows


@strawberry.type
class DisclosureMutation:
    @strawberry.mutation(description="Record a request for an exceptional disclosure (P8.3).")
    async def request_disclosure(self, info: Info, request: DisclosureRequest) -> Disclosure:
        columns = _columns(info, request.ground, request.fields)
        if request.ground is Ground.CONSENT and not request.consent_sought:
            raise refused(ReasonCode.CONSENT_REQUIRED, "This ground needs the person's consent.")
        ids = parse_customer_ids(request.customer_ids)
        await _people(info, ids)
        row = await DisclosureRow.create(
            ground=request.ground,
            requesting_party=_text(request.requesting_party, 120, "requestingParty"),
            party_reference=_text(request.party_reference, 60, "partyReference"),
            customer_ids=ids,
            field_names=[c.name for c in columns],
            consent_sought=request.consent_sought,
            requested_by=caller_of(info).login,
            requested_at=utc_now(),
        )
        return Disclosure.from_model(row)

    @strawberry.mutation(
        description="Approve (the file is produced, once) or refuse (with a reason) an "
        "exceptional disclosure; not by the person who requested it."
    )
    async def decide_disclosure(
        self,
        info: Info,
        id: strawberry.ID,
        approve: bool,
        refusal_reason: RefusalReason | None = None,
    ) -> Disclosure:
        row = await DisclosureRow.select_for_update().get_or_none(id=parse_row_id(id))
        if row is None:
            raise not_found("disclosure")
        if row.status is not DisclosureStatus.REQUESTED:
            raise refused(ReasonCode.ALREADY_DECIDED, "This disclosure was already decided.")
        if row.requested_by == caller_of(info).login:
            raise PrivacyError(ErrorCode.SAME_PERSON, "The requester may not decide.")
        if approve == (refusal_reason is not None):
            raise refused(
                ReasonCode.REFUSAL_REASON_MISMATCH,
                "A refusal needs a reason; an approval none.",
                fields=["refusalReason"],
            )
        row.decided_by, row.decided_at = caller_of(info).login, utc_now()
        if refusal_reason is not None:
            row.status, row.refusal_reason = DisclosureStatus.REFUSED, refusal_reason
            await row.save()
            return Disclosure.from_model(row)
        row.status = DisclosureStatus.APPROVED
        await row.save()
        return Disclosure.from_model(row, file=await _file(info, row))


async def _file(info: Info, row: DisclosureRow) -> str:
    """The disclosure file: the approved fields of the approved persons, provided on the
    request's ground (audited as PROVIDE with it) with a provision record per person."""
    columns = _columns(info, row.ground, row.field_names)
    given = provided(
        info, recipient=row.requesting_party, provider_id=None, ground=row.ground,
        fields=[c.name for c in columns],
    )  # fmt: skip
    people = await _people(info, list(row.customer_ids))
    assert row.decided_at is not None
    await given.give([person.id for person in people], row.decided_at, f"disclosure:{row.id}")
    return manifest_csv(columns, (Customer.from_model(person) for person in people))
