"""Records of provision to third parties (APPI art. 29): each time personal data leaves the
operator — a partner's read, a delivery manifest, an exceptional disclosure, a business
transfer — one record per person: when, to whom, which items (field names, never values),
on which ground, kept at least 3 years.

A provision is also a use of the values (P3.1: recorded like a read). A path that hands data
out opens a `Provision` (`open_provision`): it counts as a pending use, so the guard fails the
operation closed (AUDIT_UNAVAILABLE) unless `give` writes the records *and* the audit entries
(`field:PROVIDE,...,#ground:<ground>`) together. Records are written nowhere else
(tests/directives/test_provision_paths.py reads the code); a partner's reads are audited as
reads under purpose B and their records derived from those entries (`partner_reads`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from directives.audit import AuditBuffer
from directives.context import Caller
from directives.policy import PAYMENT_INQUIRY_ITEMS
from directives.retention import RULES, Rule
from directives.scope import SubjectKind
from directives.usage import GROUND, Use, Uses, uses
from directives.vocabulary import Category, Decision
from models import ProvisionRecord
from models.third_parties import Ground

# APPI art. 29 and its rules: three years in principle; the retention schedule's row, so the
# purge (`rights.retention`) and the records agree.
KEEP_YEARS = RULES[Rule.PROVISION_RECORDS].years

EVERY_CATEGORY: frozenset[Category] = frozenset(Category)
# The grounds of an exceptional disclosure (P8.3) and the categories each may carry; P8.1
# (NDA) and P8.2 (delivery) have their own paths and are no exceptional disclosure.
DISCLOSABLE: Mapping[Ground, frozenset[Category]] = {
    Ground.LIFE_BODY_PROPERTY: EVERY_CATEGORY,
    Ground.AUTHORITY: EVERY_CATEGORY,
    Ground.PUBLIC_WELFARE: EVERY_CATEGORY,
    Ground.PAYMENT_INSTITUTION: PAYMENT_INQUIRY_ITEMS,
    Ground.BUSINESS_TRANSFER: EVERY_CATEGORY,
    Ground.CONSENT: EVERY_CATEGORY,
}


def keep_until(at: datetime) -> date:
    """The last day the record must be kept: the third anniversary (1 March for a record of
    29 February: at least three full years). The purge removes it from the next day."""
    day = at.date()
    try:
        return day.replace(year=day.year + KEEP_YEARS)
    except ValueError:  # 29 February
        return date(day.year + KEEP_YEARS, 3, 1)


def record(
    *,
    at: datetime,
    recipient: str,
    provider_id: int | None,
    customer_id: int,
    items: Iterable[str],
    ground: Ground,
    source: str,
) -> ProvisionRecord:
    return ProvisionRecord(
        at=at,
        recipient=recipient,
        provider_id=provider_id,
        customer_id=customer_id,
        items=",".join(sorted(set(items))),
        ground=ground,
        source=source,
        keep_until=keep_until(at),
    )


def partner_reads(
    caller: Caller, request_id: str, at: datetime, entries: Iterable[tuple[str, int, str, str]]
) -> list[ProvisionRecord]:
    """One record per customer whose values a partner received in clear in one request
    (from the audit entries of that request: `field:DECISION,...`)."""
    reach = caller.partner
    if reach is None:
        return []
    received: dict[int, set[str]] = {}
    for subject_type, subject_id, _, code in entries:
        if subject_type != SubjectKind.CUSTOMER.value or subject_id not in reach.customers:
            continue
        clear = {
            name
            for name, _, decision in (pair.partition(":") for pair in code.split(","))
            if decision == Decision.CLEAR.value
        }
        if clear:
            received.setdefault(subject_id, set()).update(clear)
    return [
        record(
            at=at,
            recipient=reach.provider_name,
            provider_id=reach.provider_id,
            customer_id=customer_id,
            items=items,
            ground=Ground.NDA,
            source=f"request:{request_id}",
        )
        for customer_id, items in received.items()
    ]


async def _save(records: list[ProvisionRecord]) -> None:
    if records:
        await ProvisionRecord.bulk_create(records)


async def save_partner_reads(
    caller: Caller, request_id: str, at: datetime, entries: Iterable[tuple[str, int, str, str]]
) -> None:
    """With the audit of a partner's request: the entries are the use, these the records."""
    await _save(partner_reads(caller, request_id, at, entries))


@dataclass(slots=True, eq=False)
class Provision:
    """One provision under way: to whom, on which ground, which fields; its use is pending
    in the audit buffer until `give` (or `give_everyone`) records it."""

    use: Uses
    recipient: str
    provider_id: int | None
    ground: Ground
    items: tuple[str, ...]

    def _records(
        self, customer_ids: Iterable[int], at: datetime, source: str
    ) -> list[ProvisionRecord]:
        return [
            record(
                at=at,
                recipient=self.recipient,
                provider_id=self.provider_id,
                customer_id=customer_id,
                items=self.items,
                ground=self.ground,
                source=source,
            )
            for customer_id in customer_ids
        ]

    async def give(self, customer_ids: Sequence[int], at: datetime, source: str) -> None:
        """A record per person, and an audit entry per person naming the ground.
        `source`: what carried it ("manifest:<id>", "disclosure:<id>")."""
        await _save(self._records(customer_ids, at, source))
        self.use.subjects(customer_ids)

    async def give_everyone(
        self, batches: AsyncIterator[Sequence[int]], at: datetime, source: str
    ) -> int:
        """Every person (a business transfer): a record each, written batch by batch, and
        one audit entry counting them (the records name each person)."""
        count = 0
        async for batch in batches:
            await _save(self._records(batch, at, source))
            count += len(batch)
        self.use.aggregate(count)
        return count


def open_provision(
    buffer: AuditBuffer,
    *,
    recipient: str,
    provider_id: int | None,
    ground: Ground,
    items: Iterable[str],
) -> Provision:
    """Start a provision of the Customer fields `items`; the guard fails the operation
    closed unless it is given."""
    names = tuple(dict.fromkeys(items))
    used = uses(
        buffer,
        SubjectKind.CUSTOMER.value,
        "Customer",
        {name: Use.PROVIDE for name in names},
        {GROUND: ground.value},
    )
    return Provision(used, recipient, provider_id, ground, names)


async def seed(records: list[ProvisionRecord]) -> None:
    """Demo data only: a provision made before the demo's first request (nothing to audit).
    The path test lets `demo/` alone call it."""
    await _save(records)
