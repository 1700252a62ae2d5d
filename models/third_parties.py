"""Third parties (P4.2, P8): option-service providers under NDA, delivery companies, and the
record of every provision of personal data to anyone outside the operator (APPI art. 29)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.contracts import OptionService
from models.people import Customer


class ProviderKind(StrEnum):
    OPTION_PROVIDER = "OPTION_PROVIDER"  # runs option services under an NDA (P8.1)
    CARRIER = "CARRIER"  # delivers usage guides, invoices, receipts (P8.2)


class NdaStatus(StrEnum):
    ACTIVE = "ACTIVE"
    ENDED = "ENDED"  # terminated before its end date: no access from that moment


class Ground(StrEnum):
    """Why personal data left the operator: P8.1, P8.2 and each ground of P8.3."""

    NDA = "NDA"  # P8.1: an option provider under its NDA
    DELIVERY = "DELIVERY"  # P8.2: a delivery company, name, address and phone only
    LIFE_BODY_PROPERTY = "LIFE_BODY_PROPERTY"  # a third party's life, body, property, a minor
    AUTHORITY = "AUTHORITY"  # an administrative or judicial authority's investigation
    PUBLIC_WELFARE = "PUBLIC_WELFARE"  # public welfare and safety
    PAYMENT_INSTITUTION = "PAYMENT_INSTITUTION"  # a payment institution's proper inquiry
    BUSINESS_TRANSFER = "BUSINESS_TRANSFER"  # transfer of all or part of the business
    CONSENT = "CONSENT"  # a specific purpose the person consented to in advance


class Provider(Model):
    """A company outside the operator that may receive personal data."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120, unique=True)
    kind = fields.CharEnumField(ProviderKind, max_length=20)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "provider"


class Nda(Model):
    """A non-disclosure agreement (P4.2): which options it covers and which categories of
    personal data (`directives.vocabulary.Category` values) the provider may receive, while
    it is valid."""

    id = fields.IntField(primary_key=True)
    provider: fields.ForeignKeyRelation[Provider] = fields.ForeignKeyField(
        "models.Provider", related_name="ndas", on_delete=fields.RESTRICT
    )
    provider_id: int
    reference = fields.CharField(max_length=60, unique=True)
    categories: fields.Field[list[str]] = fields.JSONField()
    valid_from = fields.DateField()
    valid_until = fields.DateField()
    status = fields.CharEnumField(NdaStatus, max_length=8, default=NdaStatus.ACTIVE)
    ended_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "nda"


class NdaOption(Model):
    """One option service an NDA covers."""

    id = fields.IntField(primary_key=True)
    nda: fields.ForeignKeyRelation[Nda] = fields.ForeignKeyField(
        "models.Nda", related_name="options", on_delete=fields.CASCADE
    )
    nda_id: int
    option: fields.ForeignKeyRelation[OptionService] = fields.ForeignKeyField(
        "models.OptionService", related_name="ndas", on_delete=fields.RESTRICT
    )
    option_id: int

    class Meta:
        table = "nda_option"
        unique_together = (("nda", "option"),)


class ProvisionRecord(Model):
    """One provision of one person's data to one recipient (APPI art. 29): when, to whom,
    which items (field names, never values), on which ground. Kept at least 3 years."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    recipient = fields.CharField(max_length=120)  # a company or authority, not a person
    provider: fields.ForeignKeyNullableRelation[Provider] = fields.ForeignKeyField(
        "models.Provider", related_name="provisions", null=True, on_delete=fields.RESTRICT
    )
    provider_id: int | None
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="provisions", on_delete=fields.RESTRICT
    )
    customer_id: int
    items = fields.CharField(max_length=500)  # "name,address,phone"
    ground = fields.CharEnumField(Ground, max_length=24)
    source = fields.CharField(max_length=64)  # "request:<id>", "manifest:<id>", ...
    keep_until = fields.DateField()

    class Meta:
        table = "provision_record"
        # A person's records newest first, keyset (auditors' filter, the person's access
        # history); what the retention purge finds due; auditors' time ranges.
        indexes = (("customer_id", "id"), ("keep_until", "customer_id"), ("at",))


class DeliveryKind(StrEnum):
    """What a carrier delivers (P8.2)."""

    USAGE_GUIDE = "USAGE_GUIDE"
    INVOICE = "INVOICE"
    RECEIPT = "RECEIPT"  # on the customer's request


class DeliveryManifest(Model):
    """A delivery manifest handed to one carrier (P8.2). The file itself is not kept, only
    who produced it, when and for how many people (each has a provision record)."""

    id = fields.IntField(primary_key=True)
    carrier: fields.ForeignKeyRelation[Provider] = fields.ForeignKeyField(
        "models.Provider", related_name="manifests", on_delete=fields.RESTRICT
    )
    carrier_id: int
    delivery = fields.CharEnumField(DeliveryKind, max_length=12)
    produced_by = fields.CharField(max_length=64)
    produced_at = fields.DatetimeField()
    person_count = fields.IntField()

    class Meta:
        table = "delivery_manifest"


class DisclosureStatus(StrEnum):
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"  # the disclosure file was produced
    REFUSED = "REFUSED"


class RefusalReason(StrEnum):
    """Why an exceptional disclosure was refused (coded: no free text about anyone)."""

    GROUND_NOT_MET = "GROUND_NOT_MET"  # the facts do not meet the P8.3 ground claimed
    NOT_NECESSARY = "NOT_NECESSARY"  # more persons or fields asked for than the ground needs
    IMPROPER_PROCEDURE = "IMPROPER_PROCEDURE"  # no warrant, no written request, unverified
    CONSENT_REFUSED = "CONSENT_REFUSED"  # the person was asked and said no


class Disclosure(Model):
    """An exceptional disclosure (P8.3): requested by one member of staff, decided by
    another. Holds ids and field names, never values."""

    id = fields.IntField(primary_key=True)
    ground = fields.CharEnumField(Ground, max_length=24)
    requesting_party = fields.CharField(max_length=120)  # an authority or company
    party_reference = fields.CharField(max_length=60)  # their case or letter number
    customer_ids: fields.Field[list[int]] = fields.JSONField()
    field_names: fields.Field[list[str]] = fields.JSONField()
    consent_sought = fields.BooleanField()
    requested_by = fields.CharField(max_length=64)
    requested_at = fields.DatetimeField()
    status = fields.CharEnumField(DisclosureStatus, max_length=10, default="REQUESTED")
    decided_by = fields.CharField(max_length=64, null=True)
    decided_at = fields.DatetimeField(null=True)
    refusal_reason = fields.CharEnumField(RefusalReason, max_length=20, null=True)

    class Meta:
        table = "disclosure"


class TransferExtent(StrEnum):
    ALL = "ALL"
    PART = "PART"


class TransferStatus(StrEnum):
    PLANNED = "PLANNED"
    EFFECTIVE = "EFFECTIVE"


class BusinessTransfer(Model):
    """A transfer of all or part of the business (P8.3): every user is notified at least
    2 months before it takes effect."""

    id = fields.IntField(primary_key=True)
    transferee = fields.CharField(max_length=120)  # a company
    extent = fields.CharEnumField(TransferExtent, max_length=4)
    planned_on = fields.DateField()
    status = fields.CharEnumField(TransferStatus, max_length=10, default=TransferStatus.PLANNED)
    planned_by = fields.CharField(max_length=64)
    last_notice_at = fields.DatetimeField(null=True)
    notices_sent = fields.IntField(default=0)
    effective_at = fields.DatetimeField(null=True)

    class Meta:
        table = "business_transfer"


class IncidentKind(StrEnum):
    LEAK = "LEAK"  # 漏えい
    LOSS = "LOSS"  # 滅失
    DAMAGE = "DAMAGE"  # 毀損


class Incident(Model):
    """A leak, loss or damage of personal data (APPI art. 26): what, when found, who and
    what was affected (found from the audit), whether it must be reported and by when.
    Ids and field names only, never values."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(IncidentKind, max_length=8)
    found_at = fields.DatetimeField()
    window_from = fields.DatetimeField()
    window_until = fields.DatetimeField()
    actor = fields.CharField(max_length=64)  # the account whose reads went astray
    affected_fields: fields.Field[list[str]] = fields.JSONField()
    affected_customer_ids: fields.Field[list[int]] = fields.JSONField()
    sensitive = fields.BooleanField()
    financial_harm = fields.BooleanField()
    wrongful_intent = fields.BooleanField()
    reportable = fields.BooleanField()
    preliminary_due = fields.DateField()
    final_due = fields.DateField()
    recorded_by = fields.CharField(max_length=64)
    notices_sent = fields.IntField(default=0)
    notices_sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "incident"
