"""Issued invoices and margin statements never change (P5.E): corrections are new records."""

from __future__ import annotations

import pytest

from models.immutable import ImmutableRecordError
from tests.business_world import Business


async def test_issued_records_cannot_be_saved_again_or_deleted(business: Business) -> None:
    for record in (business.invoices[0], business.statement1):
        record.total += 1
        with pytest.raises(ImmutableRecordError):
            await record.save()
        with pytest.raises(ImmutableRecordError):
            await record.delete()
    await business.invoices[0].refresh_from_db()
    assert business.invoices[0].total == 6_600
