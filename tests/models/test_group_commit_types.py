"""The PostgreSQL array types a group commit sends columns as: every column of the tables it
writes has one, a subclass is not taken for its parent, and a kind without one is refused
rather than sent as text (which PostgreSQL would not assign to, say, a date column)."""

from __future__ import annotations

import pytest
from tortoise.fields import BigIntField, DateField, IntField, SmallIntField

from models import AccessLogEntry, AuditEntry, AuditRequest
from models.group_commit import pg_array


def test_every_column_written_by_a_group_has_an_array_type() -> None:
    for model in (AuditRequest, AuditEntry, AccessLogEntry):
        columns = model._meta.db_fields - {"id"}
        for name in columns:
            assert pg_array(model._meta.fields_map[name]).endswith("[]"), name


def test_subclasses_and_unknown_kinds() -> None:
    assert pg_array(BigIntField()) == "bigint[]"
    assert pg_array(SmallIntField()) == "int[]"
    assert pg_array(IntField()) == "int[]"
    with pytest.raises(TypeError, match="DateField"):
        pg_array(DateField())
