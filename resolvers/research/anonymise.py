"""Research (P5.F): pseudonyms and k-anonymous aggregates. No clear value, no raw id."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import Counter
from collections.abc import Callable, Iterable

from directives.masks import apply_mask
from directives.policy import mask_for
from directives.vocabulary import Category, MaskStrategy, Role
from models import Contract, Customer, OptionSubscription, ResearchKey
from schema.research.view import MIN_GROUP, ResearchDimension, ResearchGroup, ResearchRecord

KEY_ROW = 1  # the key's row: its primary key makes concurrent first uses agree on one key


async def deployment_key() -> bytes:
    """This deployment's pseudonym key: random, made once, kept in the database.

    Call it once at startup and pass the key to each request's context (`pseudonym_key`):
    requests then need no query for it. Race-free: concurrent first calls all insert row
    KEY_ROW, one wins, the others read the winner's key (`get_or_create`)."""
    row = await ResearchKey.all().order_by("id").first()
    if row is None:
        fresh = {"secret": secrets.token_hex(32)}
        row, _ = await ResearchKey.get_or_create(id=KEY_ROW, defaults=fresh)
    return bytes.fromhex(row.secret)


def pseudonym(key: bytes, customer_id: int) -> str:
    """HMAC-SHA256 of the id under the deployment key: stable, not reversible without it."""
    return hmac.new(key, f"customer:{customer_id}".encode(), hashlib.sha256).hexdigest()[:20]


def groups(keys: Iterable[str]) -> list[ResearchGroup]:
    """Counts per key; groups under MIN_GROUP are suppressed (count null), so no group of
    one or a few customers can be singled out. If exactly one group is suppressed, the next
    smallest is suppressed too (complementary suppression): otherwise the total minus the
    shown counts would give the hidden one away."""
    counted = Counter(keys)
    hidden = {k for k, n in counted.items() if n < MIN_GROUP}
    if len(hidden) == 1:
        shown = sorted((n, k) for k, n in counted.items() if k not in hidden)
        hidden.update(k for _, k in shown[:1])
    return [
        ResearchGroup(key=k, count=None if k in hidden else n, suppressed=k in hidden)
        for k, n in sorted(counted.items())
    ]


def quasi_identifiers(record: ResearchRecord) -> tuple[object, ...]:
    """What an analyst sees of a row besides its pseudonym: the research masks of the
    personal values (as the enforcement point applies them) and the contract's figures."""
    return (
        apply_mask(mask_for(Role.ANALYST, Category.BIRTH_DATE), record.birth_date),
        apply_mask(mask_for(Role.ANALYST, Category.POSTAL_CODE), record.postal_code),
        apply_mask(mask_for(Role.ANALYST, Category.ADDRESS), record.address),
        record.plan,
        record.monthly_fee,
        record.option_count,
    )


def k_anonymous(rows: list[ResearchRecord]) -> list[ResearchRecord]:
    """Only rows whose quasi-identifiers are shared by at least MIN_GROUP rows: a rarer
    combination (one 1984-born PREMIUM customer in 150-) would single a person out."""
    keys = [quasi_identifiers(r) for r in rows]
    counted = Counter(keys)
    return [r for r, k in zip(rows, keys, strict=True) if counted[k] >= MIN_GROUP]


def _decade(customer: Customer) -> str:
    return f"{customer.birth_date.year // 10 * 10}s" if customer.birth_date else "unknown"


def _prefecture(customer: Customer) -> str:
    # The same prefecture the PREFECTURE_ONLY mask shows research, without the '***'.
    masked = apply_mask(MaskStrategy.PREFECTURE_ONLY, customer.address) or ""
    return masked.removesuffix("***").strip() or "unknown"


CUSTOMER_KEYS: dict[ResearchDimension, Callable[[Customer], str]] = {
    ResearchDimension.PREFECTURE: _prefecture,
    ResearchDimension.BIRTH_DECADE: _decade,
}


async def aggregate(customers: list[Customer], dimension: ResearchDimension) -> list[ResearchGroup]:
    if dimension in CUSTOMER_KEYS:
        return groups(map(CUSTOMER_KEYS[dimension], customers))
    ids = [c.id for c in customers]
    contracts = await Contract.filter(customer_id__in=ids, cancelled_on__isnull=True)
    if dimension is ResearchDimension.PLAN:
        plans = {c.customer_id: c.plan.value for c in contracts}
        return groups(plans.get(i, "NONE") for i in ids)
    options = Counter(
        s.contract_id
        for s in await OptionSubscription.filter(
            contract_id__in=[c.id for c in contracts], cancelled_on__isnull=True
        )
    )
    per_customer = {c.customer_id: options[c.id] for c in contracts}
    return groups(str(per_customer.get(i, 0)) for i in ids)


async def records(key: bytes, ids: list[int]) -> list[ResearchRecord]:
    """Research rows of `ids`, in the order given: plan, fees, options, and the masked-to-be
    personal values (the enforcement point applies the research masks)."""
    customers = {c.id: c for c in await Customer.filter(id__in=ids)}
    contracts = {
        c.customer_id: c
        for c in await Contract.filter(customer_id__in=ids, cancelled_on__isnull=True)
    }
    subscriptions = await OptionSubscription.filter(
        contract_id__in=[c.id for c in contracts.values()], cancelled_on__isnull=True
    ).select_related("option")
    options: dict[int, list[int]] = {}
    for s in subscriptions:
        options.setdefault(s.contract_id, []).append(s.option.monthly_fee)
    return [_record(key, customers[i], contracts.get(i), options) for i in ids if i in customers]


def _record(
    key: bytes, customer: Customer, contract: Contract | None, options: dict[int, list[int]]
) -> ResearchRecord:
    fees = options.get(contract.id, []) if contract else []
    return ResearchRecord(
        pseudonym=pseudonym(key, customer.id),
        plan=contract.plan if contract else None,
        monthly_fee=contract.monthly_fee + sum(fees) if contract else None,
        option_count=len(fees),
        birth_date=customer.birth_date.isoformat() if customer.birth_date else None,
        postal_code=customer.postal_code,
        address=customer.address,
        row_id=customer.id,
    )
