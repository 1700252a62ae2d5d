"""Applications: a contract for the service (P5.A) and option services (P5.B).

A customer has at most one active contract, and a contract at most one active subscription
of each option; the row applied to is locked (PostgreSQL `FOR UPDATE`) while checking, so
two concurrent applications cannot both pass.
"""

from __future__ import annotations

from datetime import date

import strawberry
from tortoise.transactions import in_transaction

from models import OptionService as OptionServiceRow
from resolvers.people.scope import visible_customers
from resolvers.sales.rules import (
    check_can_apply,
    check_can_subscribe,
    new_contract,
    new_subscription,
)
from resolvers.sales.scope import visible_contracts
from resolvers.scope import locked_in_scope, not_found
from schema.context import Info, caller_of
from schema.sales.contract import Contract, Plan


@strawberry.type
class SalesMutation:
    @strawberry.mutation(
        description="Take an application for the CRM service (P5.A): a new contract for a "
        "customer in your scope who has no active contract. Declare purpose A.",
    )
    async def apply_for_service(
        self, info: Info, customer_id: strawberry.ID, plan: Plan, starts_on: date
    ) -> Contract:
        async with in_transaction() as conn:
            customer = await locked_in_scope(visible_customers(caller_of(info)), customer_id, conn)
            await check_can_apply(customer, conn)
            row = new_contract(customer, plan, starts_on)
            await row.save(using_db=conn)
        return Contract.from_model(row)

    @strawberry.mutation(
        description="Take an application for an option service (P5.B) on an active contract "
        "in your scope that does not have it yet. Declare purpose B.",
    )
    async def subscribe_option(
        self, info: Info, contract_id: strawberry.ID, option_code: str, starts_on: date
    ) -> Contract:
        option = await OptionServiceRow.get_or_none(code=option_code[:20])
        async with in_transaction() as conn:
            contract = await locked_in_scope(visible_contracts(caller_of(info)), contract_id, conn)
            if option is None:
                raise not_found()
            await check_can_subscribe(contract, option, conn)
            await new_subscription(contract, option, starts_on).save(using_db=conn)
        return Contract.from_model(contract)
