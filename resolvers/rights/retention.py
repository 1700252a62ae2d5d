"""Cancellation (P7.4: the retention clocks start), legal holds, the retention schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import strawberry
from tortoise.transactions import in_transaction

from directives.retention import SCHEDULE
from models import LegalHold as HoldRow
from resolvers.people.scope import visible_customers
from resolvers.sales.scope import visible_contracts
from resolvers.scope import locked_in_scope, not_found
from rights.retention import cancel_contract, place_legal_hold
from schema.context import Info, caller_of
from schema.page import parse_row_id
from schema.rights.retention import LegalHold, RetentionRule
from schema.sales.contract import Contract


@strawberry.type
class RetentionQuery:
    @strawberry.field(description="What is kept how long, what happens then, and why (P7.4).")
    def retention_schedule(self) -> list[RetentionRule]:
        return [RetentionRule.from_row(r) for r in SCHEDULE]

    @strawberry.field(description="Legal holds, current and released.")
    async def legal_holds(self) -> list[LegalHold]:
        return [LegalHold.from_model(r) for r in await HoldRow.all().order_by("id")]


@strawberry.type
class RetentionMutation:
    @strawberry.mutation(
        description="Cancel a contract in your scope on a date (its options end too); once a "
        "customer has no active contract the retention clocks start (P7.4). Declare purpose A."
    )
    async def cancel_contract(
        self, info: Info, contract_id: strawberry.ID, cancelled_on: date
    ) -> Contract:
        async with in_transaction() as conn:
            row = await locked_in_scope(visible_contracts(caller_of(info)), contract_id, conn)
            row = await cancel_contract(row, cancelled_on, conn)
        return Contract.from_model(row)

    @strawberry.mutation(description="Stop the purge of a customer's data for a named reason.")
    async def place_legal_hold(
        self, info: Info, customer_id: strawberry.ID, reason: str
    ) -> LegalHold:
        customer = await visible_customers(caller_of(info)).get_or_none(
            id=parse_row_id(customer_id)
        )
        if customer is None:
            raise not_found("customer")
        row = await place_legal_hold(
            customer.id, reason=reason, by=caller_of(info).login, at=datetime.now(UTC)
        )
        return LegalHold.from_model(row)

    @strawberry.mutation(description="Release a legal hold: the purge resumes at its next run.")
    async def release_legal_hold(self, info: Info, id: strawberry.ID) -> LegalHold:
        row = await HoldRow.get_or_none(id=parse_row_id(id), released_at__isnull=True)
        if row is None:
            raise not_found("legal hold")
        row.released_at = datetime.now(UTC)
        await row.save(update_fields=["released_at"])
        return LegalHold.from_model(row)
