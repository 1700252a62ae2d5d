"""Builds a request's business DataLoaders, each scoped to the caller (one query per level)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model
from tortoise.queryset import QuerySet

from directives.context import Caller
from models import (
    InquiryMessage,
    Invoice,
    InvoiceLine,
    MarginLine,
    OptionService,
    OptionSubscription,
    Payment,
    Payout,
)
from resolvers.people.scope import visible_customers
from resolvers.sales.scope import visible_contracts
from schema.loaders import BusinessLoaders

M = TypeVar("M", bound=Model)


def by_id(query: Callable[[], QuerySet[M]]) -> DataLoader[int, M | None]:
    """Rows by primary key, in one query per batch; missing or out-of-scope ids are None."""

    async def load(ids: list[int]) -> list[M | None]:
        rows = {row.pk: row for row in await query().filter(id__in=ids)}
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load)


def by_parent(model: type[M], column: str) -> DataLoader[int, list[M]]:
    """Child rows grouped by their parent's id, in one query per batch, ordered by id."""

    async def load(parents: list[int]) -> list[list[M]]:
        found: defaultdict[int, list[M]] = defaultdict(list)
        for row in await model.filter(**{f"{column}__in": parents}).order_by("id"):
            found[getattr(row, column)].append(row)
        return [found.get(p, []) for p in parents]

    return DataLoader(load_fn=load)


def build_loaders(caller: Caller) -> BusinessLoaders:
    """Children are reached only through a parent already in the caller's scope."""
    return BusinessLoaders(
        customer=by_id(lambda: visible_customers(caller)),
        contract=by_id(lambda: visible_contracts(caller)),
        option=by_id(OptionService.all),
        options_of_contract=by_parent(OptionSubscription, "contract_id"),
        lines_of_invoice=by_parent(InvoiceLine, "invoice_id"),
        payments_of_invoice=by_parent(Payment, "invoice_id"),
        corrections_of_invoice=by_parent(Invoice, "corrects_id"),
        lines_of_statement=by_parent(MarginLine, "statement_id"),
        payouts_of_statement=by_parent(Payout, "statement_id"),
        messages_of_inquiry=by_parent(InquiryMessage, "inquiry_id"),
    )
