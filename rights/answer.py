"""Answering a request (P7.3; APPI art. 33, 35): the disclosure package, or what was stopped
or deleted and what must be kept and why; delivered as JSON plus printable HTML, once the fee
(if any) is paid, through the notification outbox. The request keeps what was sent as counts
and a digest, never values; its deadline clock stops when the outbox has sent the answer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from directives.errors import PrivacyError
from directives.policy_versions import japan_date
from directives.reasons import ReasonCode, refused
from directives.retention import RULES, Rule, due_on
from directives.vocabulary import Purpose
from models import ConsentInForce, Contract, Customer, Invoice, PurgeRecord, RightsRequest
from models.outbox import DeliveryState, Notification
from models.rights import ConsentChannel, FeeState, RequestKind
from rights import package
from rights.consent import Recorder, record_consent
from rights.delivery import Attachment, Delivery, Parcel
from rights.requests import fee_state
from rights.retention import anonymise_customer, redact_inquiries
from rights.rows import column

Json = dict[str, Any]


def _refuse(reason: ReasonCode, message: str) -> PrivacyError:
    return refused(reason, message)


async def _stop(customer: Customer, by: Recorder, at: datetime) -> list[str]:
    """Withdraw every consent-based use in force (G, H, named uses), at once (APPI art. 35)."""
    uses = [
        u
        for u, flag in (("G", customer.survey_opt_out), ("H", customer.marketing_opt_out))
        if not flag
    ]
    uses += list(await column(ConsentInForce.filter(customer_id=customer.id), "use"))
    for use in uses:
        await record_consent(
            customer_id=customer.id,
            use=use,
            granted=False,
            channel=ConsentChannel.IN_PERSON,
            by=by,
            at=at,
        )
    return uses


async def _kept(customer: Customer) -> list[Json]:
    """What must be kept and why, with the date it goes."""
    if await Contract.filter(customer_id=customer.id, cancelled_on__isnull=True).exists():
        return [
            {"data": "Customer record", "why": "An active contract (P5.A, P5.E)", "until": None}
        ]
    ended = await Contract.filter(customer_id=customer.id).order_by("-cancelled_on").first()
    if not await Invoice.filter(customer_id=customer.id).exists() or ended is None:
        return []
    until: date | None = (
        due_on(ended.cancelled_on, Rule.PAYMENT_LINKED) if ended.cancelled_on else None
    )
    basis = RULES[Rule.PAYMENT_LINKED].legal_basis
    return [
        {"data": "Customer record and invoices linked to payments", "why": basis, "until": until},
    ]


async def _delete(customer: Customer, request_id: int, at: datetime) -> list[str]:
    """Delete or anonymise now what need not be kept; record it like the purge does."""
    kept = await _kept(customer)
    async with in_transaction() as conn:
        done = await redact_inquiries(customer.id, conn)
        if not kept:
            done += await anonymise_customer(customer.id, at, conn)
        for subject_type, subject_id, action in done:
            await PurgeRecord.create(
                run_id=f"request-{request_id}",
                at=at,
                rule="REQUEST",
                subject_type=subject_type,
                subject_id=subject_id,
                action=action,
                using_db=conn,
            )
    return sorted({f"{subject_type} {action}" for subject_type, _, action in done})


async def _content(
    request: RightsRequest,
    customer: Customer | None,
    by: Recorder,
    at: datetime,
    purposes: Mapping[str, frozenset[Purpose]],
) -> Json:
    if request.kind is RequestKind.DISCLOSURE or customer is None:
        return await package.build(customer, at=at, purposes=purposes)
    stopped = await _stop(customer, by, at)
    answer: Json = {"held": True, "request": request.kind.value, "stopped_uses": stopped}
    answer["kept"] = await _kept(customer)
    if request.kind is RequestKind.DELETE:
        answer["deleted"] = await _delete(customer, request.id, at)
    return answer


async def _answerable(request: RightsRequest) -> None:
    """Once, unless the outbox gave up sending the answer: then it is prepared again."""
    if request.answered_at is None:
        return
    message = await Notification.get_or_none(id=request.answer_notification_id or 0)
    if message is None or message.state is not DeliveryState.FAILED:
        raise _refuse(ReasonCode.ALREADY_ANSWERED, "This request is already answered.")


async def answer(
    request: RightsRequest,
    *,
    by: Recorder,
    at: datetime,
    delivery: Delivery,
    purposes: Mapping[str, frozenset[Purpose]],
) -> RightsRequest:
    await _answerable(request)
    if await fee_state(request) is FeeState.DUE:
        raise _refuse(ReasonCode.FEE_NOT_PAID, "The fee is not paid yet (P7.3).")
    customer = await Customer.get_or_none(id=request.customer_id) if request.customer_id else None
    to = (customer.email if customer else "") or request.reply_to
    if not to:
        raise _refuse(
            ReasonCode.NO_ADDRESS, "No address to deliver the answer to: record a reply address."
        )
    content = await _content(request, customer, by, at, purposes)
    body = package.to_json(content)
    day = japan_date(at).isoformat()
    parcel = Parcel(
        request_id=request.id,
        customer_id=customer.id if customer else None,
        to=to,
        subject=f"個人情報の開示等のご請求への回答 / Answer to your request ({day})",
        body=package.NO_DATA if not content["held"] else "The answer is attached.",
        attachments=(
            Attachment(f"answer-{request.id}.json", "application/json", body),
            Attachment(f"answer-{request.id}.html", "text/html", package.to_html(content)),
        ),
    )
    disclosed = request.kind is RequestKind.DISCLOSURE and bool(content["held"])
    async with in_transaction() as conn:
        message = await delivery.send(parcel, now=at, using_db=conn)
        summary = {**package.summary(content, body), "message": message, "disclosed": disclosed}
        await (
            RightsRequest.filter(id=request.id)
            .using_db(conn)
            .update(
                answered_at=at,
                answered_by=by.login,
                answer_summary=summary,
                answer_notification_id=message,
                answer_sent_at=None,
            )
        )
    return await RightsRequest.get(id=request.id)
