"""An announcement campaign (P5.H) and its reach."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import Campaign as CampaignRow
from models.marketing import Channel

strawberry.enum(Channel, description="NEWSLETTER by e-mail, DIRECT_MAIL by post, FAX.")


@strawberry.type(description="A newsletter, direct mail or fax campaign (P5.H).")
class Campaign:
    id: strawberry.ID
    title: str = strawberry.field(description="Name of the campaign.")
    channel: Channel
    created_at: datetime
    built_at: datetime | None = strawberry.field(description="When the send list was built.")
    reach: int = strawberry.field(description="Recipients on the send list.")

    @classmethod
    def from_model(cls, row: CampaignRow, reach: int) -> Campaign:
        return cls(
            id=strawberry.ID(str(row.id)),
            title=row.name,
            channel=row.channel,
            created_at=row.created_at,
            built_at=row.built_at,
            reach=reach,
        )
