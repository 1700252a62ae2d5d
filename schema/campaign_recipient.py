"""One entry of a campaign's send list (P5.H): the contact values its channel needs, each
tagged @personal for purpose H only, so the enforcement point decides and audits them."""

from __future__ import annotations

import strawberry

from directives.personal import personal
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category, Purpose
from models import Customer as CustomerRow
from models.marketing import Channel
from schema.consent import withdrawn

ANNOUNCEMENTS = frozenset({Purpose.H})

# The customer columns each channel needs; the others stay null.
CHANNEL_COLUMNS: dict[Channel, tuple[str, ...]] = {
    Channel.NEWSLETTER: ("name", "email"),
    Channel.DIRECT_MAIL: ("name", "postal_code", "address"),
    Channel.FAX: ("name", "fax"),
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
        wanted = CHANNEL_COLUMNS[channel]
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
