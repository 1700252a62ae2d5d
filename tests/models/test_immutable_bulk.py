"""Immutability holds for bulk queryset changes and for raw SQL too (P5.E, P7.4)."""

from __future__ import annotations

import pytest
from tortoise.connection import get_connection
from tortoise.exceptions import OperationalError

from models import Invoice as InvoiceRow
from models import InvoiceLine, MarginStatement, Payment, Payout
from models.immutable import ImmutableRecordError
from tests.business_world import Business


async def test_queryset_update_and_delete_are_refused(business: Business) -> None:
    for model in (InvoiceRow, InvoiceLine, Payment, MarginStatement, Payout):
        with pytest.raises(ImmutableRecordError):
            await model.all().update(id=0)
        with pytest.raises(ImmutableRecordError):
            await model.filter(id__gt=0).delete()
    assert await Payment.all().count() == 1
    assert {i.total for i in await InvoiceRow.all()} == {6_600}


async def test_a_payment_cannot_be_changed_or_deleted(business: Business) -> None:
    payment = await Payment.get(invoice_id=business.invoices[1].id)
    payment.amount = 1
    with pytest.raises(ImmutableRecordError):
        await payment.save()
    with pytest.raises(ImmutableRecordError):
        await payment.delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE invoice SET total = 1",
        "DELETE FROM invoice_line",
        "UPDATE payment SET amount = 1",
        "DELETE FROM payment",
        "UPDATE margin_statement SET total = 1",
        "DELETE FROM payout",
    ],
)
async def test_the_database_refuses_raw_changes(business: Business, sql: str) -> None:
    with pytest.raises(OperationalError, match="immutable"):
        await get_connection("default").execute_script(sql)
    assert await InvoiceRow.filter(total=1).count() == 0
    assert await Payment.all().count() == 1
