"""The person's rights over time: consent records (P5), rights requests (P7.3, APPI art. 33
and 35), legal holds and what the purge removed (P7.4).

None of these tables holds a personal value except `RightsRequest.reply_to` (where to send the
answer when no record of the person is held, purged by the retention schedule) and the free
text of `LegalHold.reason` (see `directives.classification`).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.billing import Invoice
from models.immutable import Immutable, ImmutableManager
from models.outbox import Notification
from models.people import Customer


class ConsentAction(StrEnum):
    GRANTED = "GRANTED"
    WITHDRAWN = "WITHDRAWN"


class ConsentChannel(StrEnum):
    """How the person expressed the decision (ISO/IEC TS 27560: collection method)."""

    WEB = "WEB"  # the person, logged in, through the API
    PAPER = "PAPER"  # a signed form, recorded by staff
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    IN_PERSON = "IN_PERSON"


class NamedUse(Model):
    """A use outside P5 A-H, defined by the operator: nobody is reached for it without a
    consent record in force (P5)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=40, unique=True)
    # G or H: the use reaches people the way that purpose does (same role, same fields), and
    # only those who consented to it: `@purpose(code: H, use: "code")`.
    base = fields.CharField(max_length=1)
    description = fields.CharField(max_length=400)
    notice_text = fields.TextField()  # shown to the person when asked for consent
    defined_by = fields.CharField(max_length=64)
    defined_at = fields.DatetimeField()
    policy_version = fields.CharField(max_length=32)

    class Meta:
        table = "named_use"


class ConsentRecord(Immutable):
    """One decision of one person about one use: appended, never changed (P5).

    `use` is G or H (consent may be withdrawn), or a `NamedUse.code` (consent must be granted).
    Modelled on ISO/IEC TS 27560: subject, purpose, action, time, method, notice, policy version.
    """

    id = fields.BigIntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="consent_records", on_delete=fields.RESTRICT
    )
    customer_id: int
    use = fields.CharField(max_length=40)
    action = fields.CharEnumField(ConsentAction, max_length=10)
    at = fields.DatetimeField()
    channel = fields.CharEnumField(ConsentChannel, max_length=10)
    policy_version = fields.CharField(max_length=32)
    notice_text = fields.TextField()
    recorded_by = fields.CharField(max_length=64)
    recorded_role = fields.CharField(max_length=16)

    class Meta:
        table = "consent_record"
        manager = ImmutableManager()
        indexes = (("customer_id", "use"),)


class ConsentInForce(Model):
    """The current state of a named use's consent, kept in the same transaction as the record
    that set it, so that filtering stays one SQL join. A row exists while consent is in force."""

    id = fields.BigIntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="named_consents", on_delete=fields.RESTRICT
    )
    customer_id: int
    use = fields.CharField(max_length=40)
    since = fields.DatetimeField()
    policy_version = fields.CharField(max_length=32)

    class Meta:
        table = "consent_in_force"
        unique_together = (("customer", "use"),)


class RequestKind(StrEnum):
    DISCLOSURE = "DISCLOSURE"  # is anything held, and what (P7.3, APPI art. 33)
    STOP = "STOP"  # stop using (APPI art. 35)
    DELETE = "DELETE"  # delete (APPI art. 35)


class IdDocument(StrEnum):
    """The kind of document shown in person (P7.3), never its copy or number."""

    DRIVERS_LICENCE = "DRIVERS_LICENCE"
    PASSPORT = "PASSPORT"
    PHOTO_MEMBERSHIP_CARD = "PHOTO_MEMBERSHIP_CARD"


class FeeState(StrEnum):
    """Derived from the fee and the payments of its invoice, never stored apart from them."""

    FREE = "FREE"  # the first disclosure request of the calendar month (Japan time)
    DUE = "DUE"  # billed, not yet paid
    PAID = "PAID"  # paid in cash, as recorded


class RightsRequest(Model):
    """A request from a (former) customer, taken after an in-person identity check."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(RequestKind, max_length=12)
    customer: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="rights_requests", null=True, on_delete=fields.RESTRICT
    )
    customer_id: int | None
    reply_to = fields.CharField(max_length=254, default="")  # e-mail, when no record is held
    document = fields.CharEnumField(IdDocument, max_length=24)
    checked_by = fields.CharField(max_length=64)
    checked_at = fields.DatetimeField()
    received_at = fields.DatetimeField()
    due_at = fields.DatetimeField()
    fee = fields.IntField()  # yen: 0, or 2,100 from the second disclosure in a month (P7.3)
    invoice: fields.ForeignKeyNullableRelation[Invoice] = fields.ForeignKeyField(
        "models.Invoice", related_name="rights_requests", null=True, on_delete=fields.RESTRICT
    )
    invoice_id: int | None
    policy_version = fields.CharField(max_length=32)
    answered_at = fields.DatetimeField(null=True)
    answered_by = fields.CharField(max_length=64, default="")
    # What the answer held, never its values: counts per section and a SHA-256 of the file.
    answer_summary: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    # The outbox message carrying the answer, and when it was sent: the deadline clock stops
    # then (P7.3), not when the answer was prepared.
    answer_notification: fields.ForeignKeyNullableRelation[Notification] = fields.ForeignKeyField(
        "models.Notification", related_name="rights_answers", null=True, on_delete=fields.RESTRICT
    )
    answer_notification_id: int | None
    answer_sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "rights_request"
        # A customer's requests (the access history's subjects, the purge's holds).
        indexes = (("customer_id", "id"),)


class LegalHold(Model):
    """Stops the purge of one customer's data for a named reason until released (P7.4)."""

    id = fields.IntField(primary_key=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="legal_holds", on_delete=fields.RESTRICT
    )
    customer_id: int
    reason = fields.CharField(max_length=200)
    placed_by = fields.CharField(max_length=64)
    placed_at = fields.DatetimeField()
    released_at = fields.DatetimeField(null=True)

    class Meta:
        table = "legal_hold"


class PurgeRecord(Model):
    """What one purge run removed or anonymised, by rule: ids and counts, never values."""

    id = fields.BigIntField(primary_key=True)
    run_id = fields.CharField(max_length=36, db_index=True)
    at = fields.DatetimeField()
    rule = fields.CharField(max_length=40)
    subject_type = fields.CharField(max_length=32)
    subject_id = fields.IntField()
    action = fields.CharField(max_length=12)  # ANONYMISED or DELETED

    class Meta:
        table = "purge_record"
        # The invoice trigger (migration 0015) looks up the purge record of one invoice.
        indexes = (("subject_type", "subject_id"),)
