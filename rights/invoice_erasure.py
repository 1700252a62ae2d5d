"""The only changes an issued invoice accepts (P7.4): when a former customer's record is
anonymised, its invoices stop carrying the billing address and postal code; and once an
invoice's own tax retention has run out (`directives.retention.invoice_name_due`), it stops
carrying the recipient's name too — then nothing personal is left on it.

Why only these: an invoice is a tax record kept for its own retention period (Corporation Tax
Act art. 126: 7 years), and what it must show is the recipient's name, the date, the items,
the amounts and the tax (Consumption Tax Act art. 57-4) — not where it was posted. The name
and every amount stay; the address, needed only to deliver the invoice, goes with the rest of
the customer's record.

The invoice trigger (migrations 0015, 0024) lets an UPDATE through only when it blanks these
columns (the address and postal code together, the name), every other column unchanged, on an
invoice of an anonymised customer, after a purge record under INVOICE_ADDRESS (resp.
INVOICE_NAME) names that invoice (written here first, in the same transaction): nothing but
this path can change an invoice, and each change is recorded.
"""

from __future__ import annotations

from datetime import date, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet

from directives.retention import Action, Rule, invoice_name_due
from models import Invoice, PurgeRecord
from rights.rows import column

ERASED = ("billing_address", "billing_postal_code")


# Immutable models refuse update() in Python; this statement is the path the trigger admits.
ERASE = (
    "UPDATE invoice SET billing_address = '', billing_postal_code = '' "
    "WHERE customer_id = ? AND (billing_address <> '' OR billing_postal_code <> '')"
)
ERASE_NAME = "UPDATE invoice SET billing_name = '' WHERE id IN"


async def erase_invoice_addresses(
    customer_id: int, *, run_id: str, at: datetime, conn: BaseDBAsyncClient
) -> list[int]:
    """Blank the address of each of the customer's invoices that still holds one; one
    purge record per invoice. Returns the invoice ids."""
    holding = Invoice.filter(customer_id=customer_id).using_db(conn)
    ids = [
        int(i)
        for i in await column(holding.exclude(billing_address="", billing_postal_code=""), "id")
    ]
    if not ids:
        return []
    await _record(Rule.INVOICE_ADDRESS, ids, run_id=run_id, at=at, conn=conn)
    postgres = conn.capabilities.dialect == "postgres"
    await conn.execute_query(ERASE.replace("?", "$1") if postgres else ERASE, [customer_id])
    return ids


def named_invoices() -> QuerySet[Invoice]:
    """Invoices of anonymised customers that still name their recipient."""
    return Invoice.filter(customer__anonymised_at__isnull=False).exclude(billing_name="")


async def erase_invoice_names(
    customer_id: int, today: date, *, run_id: str, at: datetime, conn: BaseDBAsyncClient
) -> list[int]:
    """Blank the name on each of the (anonymised) customer's invoices whose tax retention
    has run out by `today`; one purge record per invoice. Returns the invoice ids."""
    named = named_invoices().filter(customer_id=customer_id).using_db(conn)
    ids = [
        int(pk)
        for pk, issued_on in await named.order_by("id").values_list("id", "issued_on")
        if invoice_name_due(issued_on) <= today
    ]
    if not ids:
        return []
    await _record(Rule.INVOICE_NAME, ids, run_id=run_id, at=at, conn=conn)
    postgres = conn.capabilities.dialect == "postgres"
    marks = [f"${n}" if postgres else "?" for n in range(1, len(ids) + 1)]
    await conn.execute_query(f"{ERASE_NAME} ({', '.join(marks)})", ids)
    return ids


async def _record(
    rule: Rule, ids: list[int], *, run_id: str, at: datetime, conn: BaseDBAsyncClient
) -> None:
    await PurgeRecord.bulk_create(
        [
            PurgeRecord(
                run_id=run_id,
                at=at,
                rule=rule.value,
                subject_type="Invoice",
                subject_id=invoice_id,
                action=Action.ANONYMISE.value,
            )
            for invoice_id in ids
        ],
        using_db=conn,
    )
