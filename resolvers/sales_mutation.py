"""Applications: a contract for the service (P5.A) and option services (P5.B)."""

from __future__ import annotations

from datetime import date

import strawberry

from directives.errors import ErrorCode, PrivacyError
from directives.vocabulary import Purpose, Role
from models import Contract as ContractRow
from models import OptionService as OptionServiceRow
from models import OptionSubscription as SubscriptionRow
from models.contracts import PLAN_FEES, Plan
from resolvers.business_scope import visible_contracts
from resolvers.permissions import allow
from resolvers.query import Info, caller_of
from resolvers.query_by import require_purpose
from resolvers.scope import visible_customers
from schema.contract import Contract
from schema.page import parse_row_id

APPLICATIONS = allow(Role.AGENT, Role.SUPPORT)


def _not_found() -> PrivacyError:
    # The same answer for a row that does not exist and one outside the caller's scope.
    return PrivacyError(ErrorCode.NOT_FOUND, "No such record in your scope.")


@strawberry.type
class SalesMutation:
    @strawberry.mutation(
        description="Take an application for the CRM service (P5.A): a new contract for a "
        "customer in your scope. Declare purpose A.",
        permission_classes=[APPLICATIONS],
    )
    async def apply_for_service(
        self, info: Info, customer_id: strawberry.ID, plan: Plan, starts_on: date
    ) -> Contract:
        require_purpose(info, Purpose.A)
        customer = await visible_customers(caller_of(info)).get_or_none(
            id=parse_row_id(customer_id)
        )
        if customer is None:
            raise _not_found()
        row = await ContractRow.create(
            customer_id=customer.id,
            agent_id=customer.agent_id,
            plan=plan,
            monthly_fee=PLAN_FEES[plan],
            started_on=starts_on,
        )
        return Contract.from_model(row)

    @strawberry.mutation(
        description="Take an application for an option service (P5.B) on a contract in your "
        "scope. Declare purpose B.",
        permission_classes=[APPLICATIONS],
    )
    async def subscribe_option(
        self, info: Info, contract_id: strawberry.ID, option_code: str, starts_on: date
    ) -> Contract:
        require_purpose(info, Purpose.B)
        contract = await visible_contracts(caller_of(info)).get_or_none(
            id=parse_row_id(contract_id)
        )
        option = await OptionServiceRow.get_or_none(code=option_code[:20])
        if contract is None or option is None:
            raise _not_found()
        await SubscriptionRow.get_or_create(
            contract_id=contract.id, option_id=option.id, started_on=starts_on
        )
        return Contract.from_model(contract)
