"""What an option provider's staff reach (P8.1), read from its NDAs on every request."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tortoise.expressions import Q

from directives.context import PartnerReach
from directives.vocabulary import Category
from models import Nda, NdaOption, OptionSubscription, Provider
from models.third_parties import NdaStatus


def valid_ndas(provider_id: int, today: date) -> Q:
    """The provider's NDAs in force today: active (not ended) and within their dates."""
    return Q(
        provider_id=provider_id,
        status=NdaStatus.ACTIVE,
        valid_from__lte=today,
        valid_until__gte=today,
    )


def categories_of(names: Iterable[str]) -> frozenset[Category]:
    """An NDA's categories; a name that is no category grants nothing (fail closed)."""
    known = {c.value for c in Category}
    return frozenset(Category(n) for n in names if n in known)


async def partner_reach(provider_id: int | None, today: date) -> PartnerReach:
    provider = await Provider.get_or_none(id=provider_id) if provider_id is not None else None
    if provider is None:
        return PartnerReach(provider_id=0, provider_name="", customers={})
    customers: dict[int, frozenset[Category]] = {}
    for nda in await Nda.filter(valid_ndas(provider.id, today)):
        options = await NdaOption.filter(nda_id=nda.id).values_list("option_id", flat=True)
        subscribers = await _subscribers(list(options), today)  # type: ignore[arg-type]
        granted = categories_of(nda.categories)
        for customer_id in subscribers:
            customers[customer_id] = customers.get(customer_id, frozenset()) | granted
    return PartnerReach(provider_id=provider.id, provider_name=provider.name, customers=customers)


async def _subscribers(option_ids: list[int], today: date) -> set[int]:
    """Customers with a running subscription to one of these options on a running contract."""
    if not option_ids:
        return set()
    running = (Q(cancelled_on=None) | Q(cancelled_on__gt=today)) & Q(started_on__lte=today)
    contract_running = Q(contract__cancelled_on=None) | Q(contract__cancelled_on__gt=today)
    rows = await OptionSubscription.filter(
        running, contract_running, option_id__in=option_ids
    ).values_list("contract__customer_id", flat=True)
    return {int(r) for r in rows}  # type: ignore[call-overload]
