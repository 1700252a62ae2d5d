"""Surveys (P5.G) and announcements (P5.H): only customers who have not opted out take part."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.people import Customer


class Channel(StrEnum):
    NEWSLETTER = "NEWSLETTER"  # e-mail
    DIRECT_MAIL = "DIRECT_MAIL"  # post
    FAX = "FAX"


class Campaign(Model):
    """An announcement by one channel. Its send list is built under purpose H."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120)
    channel = fields.CharEnumField(Channel, max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)
    built_at = fields.DatetimeField(null=True)
    built_by = fields.CharField(max_length=64, default="")

    class Meta:
        table = "campaign"


class CampaignRecipient(Model):
    """One customer on a campaign's send list. Holds no contact value: those are read from
    the customer, through the enforcement point, when the list is read."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="recipients", on_delete=fields.RESTRICT
    )
    campaign_id: int
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="campaign_entries", on_delete=fields.RESTRICT
    )
    customer_id: int

    class Meta:
        table = "campaign_recipient"
        unique_together = (("campaign", "customer"),)


class Survey(Model):
    """A questionnaire (P5.G): questions answered on a 1-5 scale."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    questions: fields.Field[list[str]] = fields.JSONField()
    opens_on = fields.DateField()
    closes_on = fields.DateField()

    class Meta:
        table = "survey"


class SurveyResponse(Model):
    id = fields.IntField(primary_key=True)
    survey: fields.ForeignKeyRelation[Survey] = fields.ForeignKeyField(
        "models.Survey", related_name="responses", on_delete=fields.RESTRICT
    )
    survey_id: int
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="survey_responses", on_delete=fields.RESTRICT
    )
    customer_id: int
    answers: fields.Field[list[int]] = fields.JSONField()
    answered_at = fields.DatetimeField()

    class Meta:
        table = "survey_response"
        unique_together = (("survey", "customer"),)
