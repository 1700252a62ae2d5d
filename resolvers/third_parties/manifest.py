"""Building a delivery manifest (P8.2): the columns come from the policy's DELIVERY_ITEMS
and the schema's `@personal` index, never from a list of column names kept here."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from directives.index import PersonalField, PersonalIndex
from directives.policy import DELIVERY_ITEMS
from schema.people.customer import Customer

# A spreadsheet would run a cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def delivery_columns(index: PersonalIndex) -> tuple[PersonalField, ...]:
    """The Customer's personal fields a carrier may receive: those of P8.2's categories."""
    return tuple(f for f in index.fields_of("Customer").values() if f.category in DELIVERY_ITEMS)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def manifest_csv(columns: tuple[PersonalField, ...], people: Iterable[Customer]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(column.name for column in columns)
    for person in people:
        writer.writerow(_cell(getattr(person, column.python_name)) for column in columns)
    return out.getvalue()
