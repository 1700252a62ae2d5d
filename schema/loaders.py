"""The DataLoaders of one request for business records: one query per level, not per row.

Built in `resolvers.loaders` (each domain its own) with the caller's row scope; a loader
never returns a row the caller could not reach through the root fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from strawberry.dataloader import DataLoader

from models import (
    Agent,
    Contact,
    Contract,
    Customer,
    CustomerVersion,
    Inquiry,
    InquiryMessage,
    Invoice,
    InvoiceLine,
    MarginLine,
    MarginStatement,
    OptionService,
    OptionSubscription,
    Payment,
    Payout,
)

V = TypeVar("V")


def _nothing(default: V) -> DataLoader[int, V]:
    async def load(keys: list[int]) -> list[V]:
        return [default for _ in keys]

    return DataLoader(load_fn=load)


@dataclass(slots=True)
class BusinessLoaders:
    customer: DataLoader[int, Customer | None]
    agent: DataLoader[int, Agent | None]
    contacts_of_customer: DataLoader[int, list[Contact]]
    contract: DataLoader[int, Contract | None]
    option: DataLoader[int, OptionService | None]
    options_of_contract: DataLoader[int, list[OptionSubscription]]
    lines_of_invoice: DataLoader[int, list[InvoiceLine]]
    payments_of_invoice: DataLoader[int, list[Payment]]
    corrections_of_invoice: DataLoader[int, list[Invoice]]
    lines_of_statement: DataLoader[int, list[MarginLine]]
    payouts_of_statement: DataLoader[int, list[Payout]]
    corrections_of_statement: DataLoader[int, list[MarginStatement]]
    last_login_of_account: DataLoader[int, datetime | None]
    messages_of_inquiry: DataLoader[int, list[InquiryMessage]]
    versions_of_customer: DataLoader[int, list[CustomerVersion]]
    contracts_of_customer: DataLoader[int, list[Contract]]
    invoices_of_customer: DataLoader[int, list[Invoice]]
    inquiries_of_customer: DataLoader[int, list[Inquiry]]

    @classmethod
    def unavailable(cls) -> BusinessLoaders:
        """Loaders that find nothing: a context built without a caller reaches no row."""
        return cls(
            customer=_nothing(None),
            agent=_nothing(None),
            contacts_of_customer=_nothing([]),
            contract=_nothing(None),
            option=_nothing(None),
            options_of_contract=_nothing([]),
            lines_of_invoice=_nothing([]),
            payments_of_invoice=_nothing([]),
            corrections_of_invoice=_nothing([]),
            lines_of_statement=_nothing([]),
            payouts_of_statement=_nothing([]),
            corrections_of_statement=_nothing([]),
            last_login_of_account=_nothing(None),
            messages_of_inquiry=_nothing([]),
            versions_of_customer=_nothing([]),
            contracts_of_customer=_nothing([]),
            invoices_of_customer=_nothing([]),
            inquiries_of_customer=_nothing([]),
        )
