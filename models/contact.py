"""Contact: inquiries about applications (P5.C) and administration questions (P5.D)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.people import Customer


class InquiryKind(StrEnum):
    APPLICATION = "APPLICATION"  # about A and B: purpose C
    ADMINISTRATION = "ADMINISTRATION"  # system administration: purpose D


class InquiryStatus(StrEnum):
    OPEN = "OPEN"
    ANSWERED = "ANSWERED"
    CLOSED = "CLOSED"


class Author(StrEnum):
    CUSTOMER = "CUSTOMER"
    STAFF = "STAFF"


class Inquiry(Model):
    """A thread of questions and answers, whose messages are its history."""

    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="inquiries", on_delete=fields.RESTRICT
    )
    customer_id: int
    kind = fields.CharEnumField(InquiryKind, max_length=16)
    subject = fields.CharField(max_length=200)
    status = fields.CharEnumField(InquiryStatus, max_length=16, default=InquiryStatus.OPEN)
    opened_at = fields.DatetimeField()

    # Free text a customer wrote may hold any P1 item: personal (Category FREE_TEXT).
    class Meta:
        table = "inquiry"
        # Support's dashboard; a customer's own (P7.1); one kind in id order (purpose C or D).
        indexes = (("status", "kind"), ("customer_id", "id"), ("kind", "id"))


class InquiryMessage(Model):
    """One message of an inquiry, appended and never edited."""

    id = fields.IntField(primary_key=True)
    inquiry: fields.ForeignKeyRelation[Inquiry] = fields.ForeignKeyField(
        "models.Inquiry", related_name="messages", on_delete=fields.RESTRICT
    )
    inquiry_id: int
    author = fields.CharEnumField(Author, max_length=16)
    author_login = fields.CharField(max_length=64, default="")
    body = fields.TextField()
    at = fields.DatetimeField()

    class Meta:
        table = "inquiry_message"


class Notice(Model):
    """A system-administration notice to every customer (P5.D), holding no personal data."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    published_at = fields.DatetimeField()

    class Meta:
        table = "notice"
