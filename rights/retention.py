"""Cancellation starts the retention clocks; the purge applies the schedule (P7.4).

`plan` lists what is due on a (Japan) date without changing anything (the dry run); `purge`
applies the same plan, item by item in its own transaction, and records each item done in
`PurgeRecord` (ids, rule, action: never a value). The audit is left as it is: it holds no
values. Provision records (APPI art. 29) are deleted the day after their `keep_until`, by the
same run. A former customer's invoices lose their billing address with the customer record
(`rights.invoice_erasure`), and the recipient's name once each invoice's own tax retention is
over (`INVOICE_NAME`): the only changes the invoice trigger allows. Customers under a
legal hold, or with a rights request not yet answered (the answer needs the data), are listed
as held and left untouched.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Max, Min
from tortoise.transactions import in_transaction

from directives.classification import personal_columns
from directives.policy_versions import japan_date
from directives.reasons import ReasonCode, refused
from directives.retention import Action, Rule, due_on, invoice_name_due
from models import (
    Contact,
    Contract,
    Customer,
    CustomerVersion,
    Inquiry,
    InquiryMessage,
    Invoice,
    LegalHold,
    OptionSubscription,
    ProvisionRecord,
    PurgeRecord,
    RightsRequest,
)
from resolvers.research import version as research_version
from rights.invoice_erasure import erase_invoice_addresses, erase_invoice_names, named_invoices
from rights.rows import column


async def cancel_contract(
    contract: Contract, on: date, conn: BaseDBAsyncClient | None = None
) -> Contract:
    """End a contract and its option subscriptions on `on` (P7.4: the clocks start)."""
    if contract.cancelled_on is not None:
        raise refused(ReasonCode.ALREADY_CANCELLED, "This contract is already cancelled.")
    if on < contract.started_on:
        raise refused(
            ReasonCode.END_BEFORE_START,
            "A contract ends on or after its start.",
            fields=["cancelledOn"],
        )
    await Contract.filter(id=contract.id).using_db(conn).update(cancelled_on=on)
    await (
        OptionSubscription.filter(contract_id=contract.id, cancelled_on__isnull=True)
        .using_db(conn)
        .update(cancelled_on=on)
    )
    contract.cancelled_on = on
    return contract


async def place_legal_hold(customer_id: int, *, reason: str, by: str, at: datetime) -> LegalHold:
    """Stop the purge of one customer's data for a named reason (P7.4)."""
    reason = reason.strip()[:200]
    if not reason:
        raise refused(ReasonCode.INVALID_VALUE, "A legal hold names its reason.", fields=["reason"])
    return await LegalHold.create(
        customer_id=customer_id, reason=reason, placed_by=by, placed_at=at
    )


class Hold(StrEnum):
    LEGAL_HOLD = "LEGAL_HOLD"
    OPEN_REQUEST = "OPEN_REQUEST"  # a rights request not yet answered (P7.3)


async def holds() -> dict[int, Hold]:
    """Customers whose data the purge must leave alone today, and why."""
    found = {
        c: Hold.OPEN_REQUEST
        for c in await column(
            RightsRequest.filter(answered_at__isnull=True, customer_id__isnull=False), "customer_id"
        )
    }
    for customer_id in await column(LegalHold.filter(released_at__isnull=True), "customer_id"):
        found[customer_id] = Hold.LEGAL_HOLD
    return found


@dataclass(frozen=True, slots=True)
class Due:
    rule: Rule
    subject_type: str  # "Customer" (its record, or its provision records) or "RightsRequest"
    subject_id: int
    due_on: date
    hold: Hold | None  # why it is listed but not purged

    @property
    def held(self) -> bool:
        return self.hold is not None


async def former_customers() -> dict[int, date]:
    """Customers not yet anonymised whose contracts are all cancelled: id -> last end."""
    active = await column(Contract.filter(cancelled_on__isnull=True), "customer_id")
    rows = (
        await Contract.filter(customer__anonymised_at__isnull=True)
        .exclude(customer_id__in=active)
        .group_by("customer_id")
        .annotate(last=Max("cancelled_on"))
        .values_list("customer_id", "last")
    )
    return {int(c): last for c, last in rows}


async def plan(today: date) -> list[Due]:
    """Everything due on `today` under the schedule; nothing is changed."""
    former = await former_customers()
    ids = list(former)
    invoiced = set(await column(Invoice.filter(customer_id__in=ids), "customer_id"))
    with_text = set(
        await column(Inquiry.filter(customer_id__in=ids).exclude(subject=""), "customer_id")
    )
    held = await holds()
    items: list[Due] = []
    for customer_id, ended in sorted(former.items()):
        record = Rule.PAYMENT_LINKED if customer_id in invoiced else Rule.NO_PAYMENTS
        rules = [record, *([Rule.INQUIRY_TEXT] if customer_id in with_text else [])]
        for rule in rules:
            when = due_on(ended, rule)
            if when <= today:
                items.append(Due(rule, "Customer", customer_id, when, held.get(customer_id)))
    for request_id, answered in (
        await RightsRequest.filter(answered_at__isnull=False)
        .exclude(reply_to="")
        .values_list("id", "answered_at")
    ):
        when = due_on(japan_date(answered), Rule.REQUEST_REPLY_TO)
        if when <= today:
            items.append(Due(Rule.REQUEST_REPLY_TO, "RightsRequest", request_id, when, None))
    return items + await provisions_due(today, held) + await invoice_names_due(today, held)


async def invoice_names_due(today: date, held: dict[int, Hold]) -> list[Due]:
    """One item per anonymised customer whose invoices still name it, due the day the
    oldest of them may lose the name (its tax retention over)."""
    rows = (
        await named_invoices()
        .group_by("customer_id")
        .annotate(first=Min("issued_on"))
        .order_by("customer_id")
        .values_list("customer_id", "first")
    )
    return [
        Due(Rule.INVOICE_NAME, "Customer", int(customer_id), when, held.get(int(customer_id)))
        for customer_id, first in rows
        if (when := invoice_name_due(first)) <= today
    ]


async def provisions_due(today: date, held: dict[int, Hold]) -> list[Due]:
    """One item per customer with provision records past `keep_until` (the index on
    (keep_until, customer_id)); due the day after the earliest of them."""
    rows = (
        await ProvisionRecord.filter(keep_until__lt=today)
        .group_by("customer_id")
        .annotate(first=Min("keep_until"))
        .order_by("customer_id")
        .values_list("customer_id", "first")
    )
    return [
        Due(
            Rule.PROVISION_RECORDS,
            "Customer",
            int(customer_id),
            first + timedelta(days=1),
            held.get(int(customer_id)),
        )
        for customer_id, first in rows
    ]


@dataclass(frozen=True, slots=True)
class PurgeResult:
    run_id: str
    done: list[Due]
    held: list[Due]


async def purge(
    today: date, now: datetime, progress: Callable[[int, int], None] | None = None
) -> PurgeResult:
    """Apply the plan for `today`; each item in its own transaction, recorded as done."""
    items = await plan(today)
    run_id = str(uuid.uuid4())
    done, held = [], []
    for n, item in enumerate(items, start=1):
        if item.held:
            held.append(item)
        else:
            async with in_transaction() as conn:
                applied = await _apply(item, today, now, run_id, conn)
                for subject_type, subject_id, action in applied:
                    await PurgeRecord.create(
                        run_id=run_id,
                        at=now,
                        rule=item.rule.value,
                        subject_type=subject_type,
                        subject_id=subject_id,
                        action=action,
                        using_db=conn,
                    )
            done.append(item)
        if progress is not None:
            progress(n, len(items))
    # Not personal data, but a log that grows with every change: kept to its latest rows.
    await research_version.compact()
    return PurgeResult(run_id, done, held)


Applied = list[tuple[str, int, str]]


async def _apply(
    item: Due, today: date, now: datetime, run_id: str, conn: BaseDBAsyncClient
) -> Applied:
    if item.rule is Rule.PROVISION_RECORDS:
        return await delete_provisions(item.subject_id, today, conn)
    if item.rule is Rule.REQUEST_REPLY_TO:
        await RightsRequest.filter(id=item.subject_id).using_db(conn).update(reply_to="")
        return [("RightsRequest", item.subject_id, Action.ANONYMISE.value)]
    if item.rule is Rule.INQUIRY_TEXT:
        return await redact_inquiries(item.subject_id, conn)
    if item.rule is Rule.INVOICE_NAME:  # recorded per invoice by the erasure itself
        await erase_invoice_names(item.subject_id, today, run_id=run_id, at=now, conn=conn)
        return []
    applied = await anonymise_customer(item.subject_id, now, conn)
    await erase_invoice_addresses(item.subject_id, run_id=run_id, at=now, conn=conn)
    return applied


async def delete_provisions(customer_id: int, today: date, conn: BaseDBAsyncClient) -> Applied:
    """The customer's provision records kept their 3 years (`keep_until` before today)."""
    due = ProvisionRecord.filter(customer_id=customer_id, keep_until__lt=today).using_db(conn)
    ids = await column(due, "id")
    await ProvisionRecord.filter(id__in=list(ids)).using_db(conn).delete()
    return [("ProvisionRecord", int(i), Action.DELETE.value) for i in ids]


async def redact_inquiries(customer_id: int, conn: BaseDBAsyncClient) -> Applied:
    ids = await column(Inquiry.filter(customer_id=customer_id).using_db(conn), "id")
    await Inquiry.filter(id__in=list(ids)).using_db(conn).update(subject="")
    await InquiryMessage.filter(inquiry_id__in=list(ids)).using_db(conn).update(body="")
    return [("Inquiry", int(i), Action.ANONYMISE.value) for i in ids]


async def anonymise_customer(customer_id: int, now: datetime, conn: BaseDBAsyncClient) -> Applied:
    """Empty every personal column; delete past values and contacts (same clock)."""
    blank = {column: "" for column in personal_columns("Customer") if column != "birth_date"}
    await (
        Customer.filter(id=customer_id)
        .using_db(conn)
        .update(**blank, birth_date=None, anonymised_at=now)
    )
    versions = CustomerVersion.filter(customer_id=customer_id).using_db(conn)
    past = await versions.count()
    await versions.delete()
    contacts = await column(Contact.filter(customer_id=customer_id).using_db(conn), "id")
    await Contact.filter(customer_id=customer_id).using_db(conn).delete()
    applied: Applied = [("Customer", customer_id, Action.ANONYMISE.value)]
    if past:
        applied.append(("CustomerVersion", customer_id, Action.DELETE.value))
    applied += [("Contact", int(c), Action.DELETE.value) for c in contacts]
    return applied
