"""The business rules of applications (P5.A, P5.B), used by the mutations and by the demo
seeding alike: one place per rule. No GraphQL here."""

from __future__ import annotations

from datetime import date

from tortoise.backends.base.client import BaseDBAsyncClient

from directives.errors import PrivacyError
from directives.reasons import ReasonCode, refused
from models import Contract, Customer, OptionService, OptionSubscription
from models.contracts import PLAN_FEES, Plan


def refuse(reason: ReasonCode, message: str) -> PrivacyError:
    return refused(reason, message)


def new_contract(
    customer: Customer, plan: Plan, starts_on: date, *, cancelled_on: date | None = None
) -> Contract:
    """A contract at the plan's fee, credited to the agent who brought the customer in."""
    return Contract(
        customer_id=customer.id,
        agent_id=customer.agent_id,
        plan=plan,
        monthly_fee=PLAN_FEES[plan],
        started_on=starts_on,
        cancelled_on=cancelled_on,
    )


def new_subscription(
    contract: Contract, option: OptionService, starts_on: date
) -> OptionSubscription:
    return OptionSubscription(contract_id=contract.id, option_id=option.id, started_on=starts_on)


async def check_can_apply(customer: Customer, conn: BaseDBAsyncClient) -> None:
    """One active contract per customer."""
    active = Contract.filter(customer_id=customer.id, cancelled_on__isnull=True)
    if await active.using_db(conn).exists():
        raise refuse(
            ReasonCode.ACTIVE_CONTRACT_EXISTS, "This customer already has an active contract."
        )


async def check_can_subscribe(
    contract: Contract, option: OptionService, conn: BaseDBAsyncClient
) -> None:
    """Never on a cancelled contract; one active subscription of an option."""
    if contract.cancelled_on is not None:
        raise refuse(ReasonCode.CONTRACT_CANCELLED, "This contract is cancelled.")
    active = OptionSubscription.filter(
        contract_id=contract.id, option_id=option.id, cancelled_on__isnull=True
    )
    if await active.using_db(conn).exists():
        raise refuse(ReasonCode.OPTION_ALREADY_ACTIVE, "This contract already has this option.")
