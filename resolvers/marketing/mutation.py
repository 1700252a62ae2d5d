"""Announcements (P5.H): building a campaign's send list, under purpose H, audited."""

from __future__ import annotations

import strawberry
from tortoise.transactions import in_transaction

from directives.audit import utc_now
from directives.reasons import ReasonCode, refused
from directives.usage import Use
from models import Campaign as CampaignRow
from models import CampaignRecipient as RecipientRow
from models.marketing import Channel
from resolvers.people.scope import visible_customers
from resolvers.query_by import consenting, require_query_by
from resolvers.scope import not_found
from schema.context import Info, caller_of
from schema.marketing.campaign import Campaign
from schema.marketing.campaign_recipient import CHANNELS
from schema.page import parse_row_id


@strawberry.type
class MarketingMutation:
    @strawberry.mutation(
        description="Build a campaign's send list (P5.H): every customer who has not opted "
        "out and has the channel's contact value. Declare purpose H; audited per recipient.",
    )
    async def build_send_list(self, info: Info, campaign_id: strawberry.ID) -> Campaign:
        field = CHANNELS[await _channel(campaign_id)].send_to
        # Choosing recipients by who has a fax number is a filter on the fax number.
        use = require_query_by(info, type_name="Customer", fields={field: Use.FILTER})
        caller = caller_of(info)
        chosen = consenting(visible_customers(caller), info.context).exclude(**{field: ""})
        ids = await chosen.order_by("id").values_list("id", flat=True)
        async with in_transaction() as conn:
            campaign = (
                await CampaignRow.select_for_update()
                .using_db(conn)
                .get(id=parse_row_id(campaign_id))
            )
            if campaign.built_at is not None:
                raise refused(ReasonCode.SEND_LIST_BUILT, "This send list is already built.")
            await RecipientRow.bulk_create(
                [RecipientRow(campaign_id=campaign.id, customer_id=i) for i in ids],
                batch_size=500,
                using_db=conn,
            )
            campaign.built_at, campaign.built_by = utc_now(), caller.login
            await campaign.save(update_fields=["built_at", "built_by"], using_db=conn)
        use.subjects(int(i) for i in ids)  # type: ignore[call-overload]
        return Campaign.from_model(campaign, reach=len(ids))


async def _channel(campaign_id: strawberry.ID) -> Channel:
    campaign = await CampaignRow.get_or_none(id=parse_row_id(campaign_id))
    if campaign is None:
        raise not_found("campaign")
    return campaign.channel
