"""The one change an issued invoice accepts (P7.4): when a former customer's record is
anonymised, its invoices stop carrying the billing address and postal code.

Why only these: an invoice is a tax record kept for its own retention period (Corporation Tax
Act art. 126: 7 years), and what it must show is the recipient's name, the date, the items,
the amounts and the tax (Consumption Tax Act art. 57-4) — not where it was posted. The name
and every amount stay; the address, needed only to deliver the invoice, goes with the rest of
the customer's record.

The invoice trigger (migration 0015) lets an UPDATE through only when it blanks exactly these
two columns, every other column unchanged, on an invoice of an anonymised customer, after a
purge record under INVOICE_ADDRESS names that invoice (written here first, in the same
transaction): nothing but this path can change an invoice, and each change is recorded.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from directives.retention import Action, Rule
from models import Invoice, PurgeRecord
from rights.rows import column

ERASED = ("billing_address", "billing_postal_code")


# Immutable models refuse update() in Python; this statement is the path the trigger admits.
ERASE = (
    "UPDATE invoice SET billing_address = '', billing_postal_code = '' "
    "WHERE customer_id = ? AND (billing_address <> '' OR billing_postal_code <> '')"
)


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
    await PurgeRecord.bulk_create(
        [
            PurgeRecord(
                run_id=run_id,
                at=at,
                rule=Rule.INVOICE_ADDRESS.value,
                subject_type="Invoice",
                subject_id=invoice_id,
                action=Action.ANONYMISE.value,
            )
            for invoice_id in ids
        ],
        using_db=conn,
    )
    postgres = conn.capabilities.dialect == "postgres"
    await conn.execute_query(ERASE.replace("?", "$1") if postgres else ERASE, [customer_id])
    return ids
