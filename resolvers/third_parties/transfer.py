"""Business transfers (P8.3): every user is notified through the outbox; the transfer cannot
take effect earlier than 2 months after the last notice was actually sent, nor while a user
has no notice sent (one still queued, one given up on, or a customer who joined since).
Taking effect provides every customer's data to the transferee: a provision record each."""

from __future__ import annotations

import calendar
from collections.abc import AsyncIterator
from datetime import date

import strawberry

from directives.audit import utc_now
from directives.errors import ErrorCode, PrivacyError
from directives.notices import NoticeProgress, Notices
from directives.reasons import ReasonCode, refused
from models import BusinessTransfer as TransferRow
from models import Customer as CustomerRow
from models.third_parties import Ground, TransferExtent, TransferStatus
from notify.notices import missing_users, progress
from notify.references import topic_of
from notify.templates import MessageKind
from resolvers.query_by import provided
from resolvers.scope import not_found
from schema.context import Info, caller_of
from schema.page import parse_row_id
from schema.third_parties.transfer import BusinessTransfer

NOTICE_MONTHS = 2  # P8.3: 実施の2ヵ月前迄に全ユーザに対する事前通知
NOTICE_KIND = MessageKind.BUSINESS_TRANSFER


def months_after(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def topic(row: TransferRow) -> str:
    return topic_of("transfer", row.id)


async def earliest_effective(row: TransferRow, done: NoticeProgress) -> date | None:
    """Two months after the last notice sent, and not before the planned date; None while
    some user's notice is not sent (queued, failed, or never queued)."""
    if row.last_notice_at is None or not done.all_sent or done.last_sent_at is None:
        return None
    if await missing_users(topic(row)):
        return None
    return max(months_after(done.last_sent_at.date(), NOTICE_MONTHS), row.planned_on)


async def shown(row: TransferRow) -> BusinessTransfer:
    done = await progress(topic(row))
    return BusinessTransfer.from_model(row, await earliest_effective(row, done), done)


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
        return await shown(row)

    @strawberry.mutation(
        description="Queue the transfer's notice in the outbox for every user who has none "
        "yet (in chunks: an interrupted run is resumed by calling again), and again for those "
        "whose notice failed. The transfer may take effect 2 months after the last notice "
        "is sent at the earliest."
    )
    async def send_transfer_notice(self, info: Info, id: strawberry.ID) -> BusinessTransfer:
        row, notices, now = await _transfer(id), notices_of(info), utc_now()
        queued = await notices.to_every_user(topic(row), NOTICE_KIND.value, now=now)
        await TransferRow.filter(id=row.id).update(
            last_notice_at=now, notices_sent=row.notices_sent + queued
        )
        return await shown(await TransferRow.get(id=row.id))

    @strawberry.mutation(
        description="Make the transfer effective: refused (TOO_EARLY) before 2 months after "
        "the last notice was sent, while a notice is unsent, or before the planned date; a "
        "provision record per customer."
    )
    async def make_transfer_effective(self, info: Info, id: strawberry.ID) -> BusinessTransfer:
        row, now = await _transfer(id), utc_now()
        earliest = await earliest_effective(row, await progress(topic(row)))
        if earliest is None or now.date() < earliest:
            raise PrivacyError(
                ErrorCode.TOO_EARLY, "Not yet 2 months after every user's notice was sent."
            )
        claimed = await TransferRow.filter(id=row.id, status=TransferStatus.PLANNED).update(
            status=TransferStatus.EFFECTIVE, effective_at=now
        )
        if not claimed:
            raise refused(ReasonCode.ALREADY_EFFECTIVE, "This transfer has already taken effect.")
        row = await TransferRow.get(id=row.id)
        fields = info.schema.personal_index.fields_of("Customer")  # type: ignore[attr-defined]
        given = provided(
            info, recipient=row.transferee, provider_id=None, ground=Ground.BUSINESS_TRANSFER,
            fields=fields.keys(),
        )  # fmt: skip
        await given.give_everyone(customer_batches(), now, f"transfer:{row.id}")
        return await shown(row)
