"""One entry of a campaign's send list (P5.H): the contact values its channel needs, each
tagged @personal for purpose H only, so the enforcement point decides and audits them."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from directives.consent import withdrawn
from directives.personal import personal
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category, Purpose
from models import Customer as CustomerRow
from models.marketing import Channel

ANNOUNCEMENTS = frozenset({Purpose.H})


@dataclass(frozen=True, slots=True)
class ChannelUse:
    """What a channel uses of a customer: the field it sends to (a Customer GraphQL field
    and column of the same name), and the columns a send-list entry shows."""

    send_to: str
    shown: frozenset[str]


# The one table of channels: building a send list and reading it both use it.
CHANNELS: dict[Channel, ChannelUse] = {
    Channel.NEWSLETTER: ChannelUse("email", frozenset({"name", "email"})),
    Channel.DIRECT_MAIL: ChannelUse("address", frozenset({"name", "postal_code", "address"})),
    Channel.FAX: ChannelUse("fax", frozenset({"name", "fax"})),
}


@strawberry.type(description="A recipient of a campaign; only the channel's fields are set.")
class CampaignRecipient:
    channel: Channel
    name: str | None = personal(Category.NAME, purposes=ANNOUNCEMENTS)
    postal_code: str | None = personal(Category.POSTAL_CODE, purposes=ANNOUNCEMENTS)
    address: str | None = personal(Category.ADDRESS, purposes=ANNOUNCEMENTS)
    email: str | None = personal(Category.EMAIL, purposes=ANNOUNCEMENTS)
    fax: str | None = personal(Category.FAX, purposes=ANNOUNCEMENTS)
    row_id: strawberry.Private[int]
    agent_id: strawberry.Private[int | None]
    withdrawn: strawberry.Private[frozenset[Purpose]]

    def privacy_subject(self) -> Subject:
        return Subject(SubjectKind.CUSTOMER, self.row_id, self.agent_id, self.withdrawn)

    @classmethod
    def from_model(cls, channel: Channel, row: CustomerRow) -> CampaignRecipient:
        wanted = CHANNELS[channel].shown
        values = {c: getattr(row, c) if c in wanted else None for c in _CONTACT}
        return cls(
            channel=channel,
            **values,
            row_id=row.id,
            agent_id=row.agent_id,
            withdrawn=withdrawn(
                survey_opt_out=row.survey_opt_out, marketing_opt_out=row.marketing_opt_out
            ),
        )


_CONTACT = ("name", "postal_code", "address", "email", "fax")
