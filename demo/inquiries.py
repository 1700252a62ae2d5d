"""Demo contact records: customers' inquiries with their messages, and published notices."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from demo.rows import insert_rows
from models import Customer, Inquiry, InquiryMessage, Notice
from models.contact import Author, InquiryKind, InquiryStatus

INQUIRY_COUNT = 300
_SUBJECTS = {
    InquiryKind.APPLICATION: ["プラン変更について", "オプション追加の方法", "解約の手続き"],
    InquiryKind.ADMINISTRATION: ["ログインできない", "メンテナンスの予定", "データの移行"],
}
_NOTICES = [
    ("定期メンテナンスのお知らせ", "11月30日 2:00-5:00 に実施します。", (2026, 11, 1)),
    ("新機能のお知らせ", "CTI連携オプションを追加しました。", (2026, 10, 1)),
]


async def seed_contact(customers: list[Customer], rng: random.Random) -> None:
    asking = rng.sample(customers, min(INQUIRY_COUNT, len(customers)))
    saved = await insert_rows(Inquiry, [_inquiry(c, rng) for c in asking])
    messages = [message for inquiry in saved for message in _messages(inquiry)]
    await InquiryMessage.bulk_create(messages, batch_size=1000)
    await Notice.bulk_create(
        [
            Notice(title=title, body=body, published_at=datetime(*day, tzinfo=UTC))
            for title, body, day in _NOTICES
        ]
    )


def _inquiry(customer: Customer, rng: random.Random) -> Inquiry:
    kind = rng.choice(list(InquiryKind))
    opened = datetime(2026, 10, 1, tzinfo=UTC) + timedelta(hours=rng.randrange(1400))
    status = rng.choice([InquiryStatus.OPEN, InquiryStatus.ANSWERED, InquiryStatus.CLOSED])
    return Inquiry(
        customer_id=customer.id,
        kind=kind,
        status=status,
        subject=rng.choice(_SUBJECTS[kind]),
        opened_at=opened,
    )


def _messages(inquiry: Inquiry) -> list[InquiryMessage]:
    """The customer's question, and staff's answer unless the inquiry is still open."""
    question = InquiryMessage(
        inquiry_id=inquiry.id,
        author=Author.CUSTOMER,
        body="お世話になっております。ご確認ください。",
        at=inquiry.opened_at,
    )
    if inquiry.status is InquiryStatus.OPEN:
        return [question]
    answer = InquiryMessage(
        inquiry_id=inquiry.id,
        author=Author.STAFF,
        body="お問い合わせありがとうございます。",
        author_login="demo-support",
        at=inquiry.opened_at + timedelta(hours=3),
    )
    return [question, answer]
