"""Consent (P5) through the API: the person decides (WEB), staff take decisions down from
paper, phone, e-mail or in person, an administrator defines named uses."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from directives.vocabulary import Purpose
from models import ConsentRecord as ConsentRow
from models import Customer as CustomerRow
from models import NamedUse as NamedUseRow
from models.rights import ConsentChannel
from resolvers.people.scope import visible_customers
from resolvers.scope import not_found
from rights.consent import Recorder, consent_status, define_named_use, record_consent
from schema.context import Info, caller_of
from schema.page import parse_row_id
from schema.rights.consent import ConsentRecord, ConsentStatus, NamedUse


def _recorder(info: Info) -> Recorder:
    caller = caller_of(info)
    return Recorder(login=caller.login, role=caller.role.value)


async def _customer(info: Info, customer_id: strawberry.ID | None = None) -> CustomerRow:
    """The caller's own record (no id), or a customer in the caller's scope."""
    caller = caller_of(info)
    row_id = caller.customer_id if customer_id is None else parse_row_id(customer_id)
    row = await visible_customers(caller).get_or_none(id=row_id or 0)
    if row is None:
        raise not_found("customer")
    return row


async def _records(customer: CustomerRow) -> list[ConsentRecord]:
    rows = await ConsentRow.filter(customer_id=customer.id).order_by("id")
    return [ConsentRecord.from_model(r) for r in rows]


@strawberry.type
class ConsentQuery:
    @strawberry.field(description="Uses outside P5 A-H that the operator defined.")
    async def named_uses(self) -> list[NamedUse]:
        return [NamedUse.from_model(r) for r in await NamedUseRow.all().order_by("code")]

    @strawberry.field(description="Where you stand on G, H and each named use (P5).")
    async def my_consents(self, info: Info) -> list[ConsentStatus]:
        statuses = await consent_status(await _customer(info), datetime.now(UTC))
        return [ConsentStatus.from_status(s) for s in statuses]

    @strawberry.field(description="Every consent decision you made or staff recorded for you.")
    async def my_consent_records(self, info: Info) -> list[ConsentRecord]:
        return await _records(await _customer(info))

    @strawberry.field(description="A customer's consent decisions, oldest first.")
    async def consent_records(self, info: Info, customer_id: strawberry.ID) -> list[ConsentRecord]:
        return await _records(await _customer(info, customer_id))


@strawberry.type
class ConsentMutation:
    @strawberry.mutation(
        description="Grant or withdraw your consent to G, H or a named use; takes effect at once."
    )
    async def set_my_consent(self, info: Info, use: str, granted: bool) -> ConsentRecord:
        customer = await _customer(info)
        row = await record_consent(
            customer_id=customer.id,
            use=use,
            granted=granted,
            channel=ConsentChannel.WEB,
            by=_recorder(info),
            at=datetime.now(UTC),
        )
        return ConsentRecord.from_model(row)

    @strawberry.mutation(
        description="Record a decision a customer expressed on paper, by phone, by e-mail or in "
        "person."
    )
    async def record_consent(
        self,
        info: Info,
        customer_id: strawberry.ID,
        use: str,
        granted: bool,
        channel: ConsentChannel,
    ) -> ConsentRecord:
        customer = await _customer(info, customer_id)
        row = await record_consent(
            customer_id=customer.id,
            use=use,
            granted=granted,
            channel=channel,
            by=_recorder(info),
            at=datetime.now(UTC),
        )
        return ConsentRecord.from_model(row)

    @strawberry.mutation(
        description="Define a use outside P5 A-H, based on G or H (the fields and role it "
        "uses); nobody consents by default."
    )
    async def define_named_use(
        self, info: Info, code: str, base: Purpose, description: str, notice_text: str
    ) -> NamedUse:
        row = await define_named_use(
            code=code,
            base=base,
            description=description,
            notice_text=notice_text,
            by=_recorder(info),
            at=datetime.now(UTC),
        )
        return NamedUse.from_model(row)
