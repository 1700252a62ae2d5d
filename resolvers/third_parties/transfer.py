"""Business transfers (P8.3): every user is notified through the outbox; the transfer cannot
take effect earlier than 2 months after the last notice was sent. Taking effect provides
every customer's data to the transferee: a provision record each."""

from __future__ import annotations

import calendar
from collections.abc import AsyncIterator
from datetime import date

import strawberry

from directives.audit import utc_now
from directives.errors import ErrorCode, PrivacyError
from directives.notices import Notices
from directives.reasons import ReasonCode, refused
from models import BusinessTransfer as TransferRow
from models import Customer as CustomerRow
from models.third_parties import Ground, TransferExtent, TransferStatus
from resolvers.query_by import provided
from resolvers.scope import not_found
from schema.context import Info, caller_of
from schema.page import parse_row_id
from schema.third_parties.transfer import BusinessTransfer

NOTICE_MONTHS = 2  # P8.3: 実施の2ヵ月前迄に全ユーザに対する事前通知
NOTICE_KIND = "BUSINESS_TRANSFER"


def months_after(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def earliest_effective(row: TransferRow) -> date | None:
    """Two months after the last notice, and not before the planned date; None: no notice."""
    if row.last_notice_at is None:
        return None
    return max(months_after(row.last_notice_at.date(), NOTICE_MONTHS), row.planned_on)


async def customer_batches(size: int = 5_000) -> AsyncIterator[list[int]]:
    """Every customer's id, a batch at a time by keyset: never all ids in memory."""
    after = 0
    while batch := [
        int(row["id"])
        for row in await CustomerRow.filter(id__gt=after).order_by("id").limit(size).values("id")
    ]:
        yield batch
        after = batch[-1]


def notices_of(info: Info) -> Notices:
    if info.context.notices is None:
        raise PrivacyError(ErrorCode.NOTICES_UNAVAILABLE, "No notification outbox is configured.")
    return info.context.notices


async def _transfer(transfer_id: strawberry.ID) -> TransferRow:
    row = await TransferRow.select_for_update().get_or_none(id=parse_row_id(transfer_id))
    if row is None:
        raise not_found("transfer")
    if row.status is not TransferStatus.PLANNED:
        raise refused(ReasonCode.ALREADY_EFFECTIVE, "This transfer has already taken effect.")
    return row


@strawberry.type
class TransferMutation:
    @strawberry.mutation(description="Plan a transfer of all or part of the business (P8.3).")
    async def plan_business_transfer(
        self, info: Info, transferee: str, extent: TransferExtent, planned_on: date
    ) -> BusinessTransfer:
        name = transferee.strip()
        if not 1 <= len(name) <= 120:
            raise refused(
                ReasonCode.INVALID_VALUE, "transferee: 1..120 characters.", fields=["transferee"]
            )
        if planned_on < months_after(utc_now().date(), NOTICE_MONTHS):
            raise PrivacyError(ErrorCode.TOO_EARLY, "Every user needs 2 months' notice first.")
        row = await TransferRow.create(
            transferee=name, extent=extent, planned_on=planned_on, planned_by=caller_of(info).login
        )
        return BusinessTransfer.from_model(row, earliest_effective(row))

    @strawberry.mutation(
        description="Notify every user of the transfer through the outbox; the transfer may "
        "take effect 2 months after the last notice at the earliest."
    )
    async def send_transfer_notice(self, info: Info, id: strawberry.ID) -> BusinessTransfer:
        row, notices, now = await _transfer(id), notices_of(info), utc_now()
        payload = {"transferee": row.transferee, "extent": row.extent.value}
        sent = await notices.to_every_user(NOTICE_KIND, payload, now=now)
        row.last_notice_at, row.notices_sent = now, row.notices_sent + sent
        await row.save()
        return BusinessTransfer.from_model(row, earliest_effective(row))

    @strawberry.mutation(
        description="Make the transfer effective: refused (TOO_EARLY) before 2 months after "
        "the last notice or before the planned date; a provision record per customer."
    )
    async def make_transfer_effective(self, info: Info, id: strawberry.ID) -> BusinessTransfer:
        row, now = await _transfer(id), utc_now()
        earliest = earliest_effective(row)
        if earliest is None or now.date() < earliest:
            raise PrivacyError(ErrorCode.TOO_EARLY, "Not yet 2 months after the last notice.")
        row.status, row.effective_at = TransferStatus.EFFECTIVE, now
        await row.save()
        fields = info.schema.personal_index.fields_of("Customer")  # type: ignore[attr-defined]
        given = provided(
            info, recipient=row.transferee, provider_id=None, ground=Ground.BUSINESS_TRANSFER,
            fields=fields.keys(),
        )  # fmt: skip
        await given.give_everyone(customer_batches(), now, f"transfer:{row.id}")
        return BusinessTransfer.from_model(row, earliest)
