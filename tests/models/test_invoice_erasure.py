"""P7.4: a purged customer's invoices lose their billing address, then (once each invoice's
tax retention is over) the recipient's name, and nothing else about an issued invoice can
change. The trigger (migrations 0015, 0024) is asserted at the database, with raw SQL as any
other client would send it: every change but the narrow ones is refused."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import pytest
from tortoise.connection import get_connection
from tortoise.exceptions import OperationalError

from directives.retention import Rule
from models import Customer, Invoice, PurgeRecord
from rights.invoice_erasure import ERASED, erase_invoice_addresses
from tests.business_world import Business

migration = importlib.import_module("models.migrations.0024_invoice_name")  # the latest
NOW = datetime(2034, 1, 1, tzinfo=UTC)


async def test_the_trigger_compares_every_column_of_invoice(business: Business) -> None:
    """A new invoice column must be added to the trigger's unchanged list (SQLite)."""
    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        sql = "SELECT column_name AS name FROM information_schema.columns "
        _, rows = await conn.execute_query(sql + "WHERE table_name = 'invoice'")
    else:
        _, rows = await conn.execute_query("PRAGMA table_info(invoice)")
    columns = {str(row["name"]) for row in rows}
    assert columns == set(Invoice._meta.fields_db_projection.values())
    assert set(migration.ERASABLE) == {*ERASED, "billing_name"}
    assert columns == set(migration.KEPT) | set(migration.ERASABLE)
    assert not set(migration.KEPT) & set(migration.ERASABLE)


async def _sql(statement: str) -> None:
    await get_connection("default").execute_script(statement)


async def _refused(statement: str) -> None:
    with pytest.raises(OperationalError, match="immutable"):
        await _sql(statement)


async def test_only_the_recorded_erasure_of_an_anonymised_customer_goes_through(
    business: Business,
) -> None:
    invoice = await Invoice.filter(billing_address__not="").first()
    assert invoice is not None
    blank = "UPDATE invoice SET billing_address = '', billing_postal_code = ''"
    where = " WHERE id = ID".replace("ID", str(invoice.id))
    # The customer is still a customer: refused, even with a purge record.
    await PurgeRecord.create(
        run_id="t", at=NOW, rule=Rule.INVOICE_ADDRESS.value, subject_type="Invoice",
        subject_id=invoice.id, action="ANONYMISE",
    )  # fmt: skip
    await _refused(blank + where)
    await Customer.filter(id=invoice.customer_id).update(anonymised_at=NOW)
    # Anonymised, recorded: anything but blanking exactly the address is refused.
    for statement in (
        "UPDATE invoice SET total = 1",
        "UPDATE invoice SET billing_address = 'elsewhere', billing_postal_code = ''",
        "UPDATE invoice SET billing_address = ''",  # the postal code would stay
        f"{blank}, billing_name = ''",  # the name is part of the tax record
        f"{blank}, total = total + 1",
        f"{blank}, credit = 5",
    ):
        await _refused("".join((statement, where)))
    await _refused("".join(("DELETE FROM invoice", where)))
    # Another anonymised customer's invoice without its own purge record: refused.
    other = await Invoice.exclude(customer_id=invoice.customer_id).first()
    assert other is not None
    await Customer.filter(id=other.customer_id).update(anonymised_at=NOW)
    await _refused(" WHERE id = ".join((blank, str(other.id))))
    await _sql("".join((blank, where)))
    after = await Invoice.get(id=invoice.id)
    assert (after.billing_address, after.billing_postal_code) == ("", "")
    assert (after.billing_name, after.total, after.credit) == (
        invoice.billing_name,
        invoice.total,
        invoice.credit,
    )
    assert (await Invoice.get(id=other.id)).billing_address == other.billing_address


async def test_the_erasure_path_records_each_invoice_and_needs_the_anonymised_record(
    business: Business,
) -> None:
    invoice = await Invoice.filter(billing_address__not="").first()
    assert invoice is not None
    conn = get_connection("default")
    with pytest.raises(OperationalError, match="immutable"):
        await erase_invoice_addresses(invoice.customer_id, run_id="r1", at=NOW, conn=conn)
    await Customer.filter(id=invoice.customer_id).update(anonymised_at=NOW)
    ids = await erase_invoice_addresses(invoice.customer_id, run_id="r2", at=NOW, conn=conn)
    assert invoice.id in ids
    assert not await Invoice.filter(customer_id=invoice.customer_id, billing_address__not="")
    recorded = await PurgeRecord.filter(run_id="r2").values_list("rule", "subject_type")
    assert set(recorded) == {("INVOICE_ADDRESS", "Invoice")} and len(recorded) == len(ids)
    # Nothing left to erase: a second run changes and records nothing.
    assert await erase_invoice_addresses(invoice.customer_id, run_id="r3", at=NOW, conn=conn) == []


async def test_the_name_goes_only_with_its_own_purge_record_and_nothing_else_with_it(
    business: Business,
) -> None:
    invoice = await Invoice.filter(billing_address__not="").first()
    assert invoice is not None
    where = f" WHERE id = {invoice.id}"
    name = "UPDATE invoice SET billing_name = ''"
    await Customer.filter(id=invoice.customer_id).update(anonymised_at=NOW)
    await _refused(name + where)  # no purge record under INVOICE_NAME yet
    await PurgeRecord.create(
        run_id="t", at=NOW, rule=Rule.INVOICE_NAME.value, subject_type="Invoice",
        subject_id=invoice.id, action="ANONYMISE",
    )  # fmt: skip
    for statement in (
        "UPDATE invoice SET billing_name = 'someone else'",
        f"{name}, billing_address = ''",  # the address has its own record, not here yet
        f"{name}, total = 0",
        f"{name}, issued_on = '2020-01-01'",
    ):
        await _refused(statement + where)
    await _sql(name + where)
    after = await Invoice.get(id=invoice.id)
    assert after.billing_name == "" and after.billing_address == invoice.billing_address
    assert (after.total, after.issued_on) == (invoice.total, invoice.issued_on)
    await _refused("".join(("UPDATE invoice SET billing_name = 'back again'", where)))
    await _refused("".join(("DELETE FROM invoice", where)))
