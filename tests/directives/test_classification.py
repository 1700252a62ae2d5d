"""Every exposed column is classified, and the default is "personal" (side doors, 2).

The columns come from the models themselves (Tortoise's metadata), the fields from the built
schema; nothing here lists which column or type to check."""

from __future__ import annotations

import typing
from collections.abc import Iterator, Mapping

import strawberry
from tortoise.models import Model

import models
from directives.classification import CLASSIFICATION, Class, NotPersonal, Snapshot
from directives.personal import personal, personal_directive
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Category
from models import Customer as CustomerRow


def _models() -> list[type[Model]]:
    found = (getattr(models, name) for name in dir(models))
    return [m for m in found if isinstance(m, type) and issubclass(m, Model) and m is not Model]


def _columns(model: type[Model]) -> set[str]:
    meta = model._meta
    return {name for name in meta.fields_map if name not in meta.fetch_fields}


def unclassified(
    columns: Mapping[str, set[str]], table: Mapping[str, Mapping[str, Class]]
) -> list[str]:
    """Columns without a class, and classes of columns that do not exist."""
    missing = [
        f"{m}.{c}" for m, cs in columns.items() for c in sorted(cs - table.get(m, {}).keys())
    ]
    stale = [f"{m}.{c}" for m, cs in table.items() for c in cs if c not in columns.get(m, set())]
    return missing + stale


def _backing_model(cls: type) -> type[Model] | None:
    """The model a GraphQL type is built from: the Model-typed parameter of `from_model`."""
    build = getattr(cls, "from_model", None)
    if build is None:
        return None
    for hint in typing.get_type_hints(build).values():
        if isinstance(hint, type) and issubclass(hint, Model):
            return hint
    return None


def exposure_errors(types: list[type]) -> Iterator[str]:
    """A field exposing a personal column must be @personal with the column's category; a
    snapshot of personal values is never exposed whole."""
    for cls in types:
        model = _backing_model(cls)
        if model is None:
            continue
        table = CLASSIFICATION.get(model.__name__, {})
        for field in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            kind = table.get(field.python_name)
            directive = personal_directive(field)
            where = f"{cls.__name__}.{field.python_name}"
            if isinstance(kind, Snapshot):
                yield f"{where} exposes a snapshot of personal values"
            elif isinstance(kind, Category) and (directive is None or directive.category != kind):
                yield f"{where} exposes a {kind.value} column without @personal({kind.value})"


def _schema_types(schema: PrivacySchema) -> list[type]:
    found = []
    for gql_type in schema._schema.type_map.values():
        definition = (
            gql_type.extensions.get("strawberry-definition") if gql_type.extensions else None
        )
        origin = getattr(definition, "origin", None)
        if isinstance(origin, type) and hasattr(origin, "__strawberry_definition__"):
            found.append(origin)
    return found


async def test_every_column_of_every_model_is_classified(db: object) -> None:
    columns = {m.__name__: _columns(m) for m in _models()}
    assert len(columns) >= 30
    assert unclassified(columns, CLASSIFICATION) == []


def test_a_new_column_is_caught_until_classified() -> None:
    columns = {"Customer": set(CLASSIFICATION["Customer"]) | {"mobile_phone"}}
    assert unclassified(columns, {"Customer": CLASSIFICATION["Customer"]}) == [
        "Customer.mobile_phone"
    ]


def test_every_exposed_personal_column_is_tagged_with_its_category(schema: PrivacySchema) -> None:
    types = _schema_types(schema)
    backed = {cls.__name__ for cls in types if _backing_model(cls) is not None}
    assert {"Customer", "Agent", "Contact", "Invoice", "InvoiceLine", "Payout"} <= backed
    assert list(exposure_errors(types)) == []


@strawberry.type
class LeakyCustomer:
    phone: str | None
    mobile_phone: str | None

    @classmethod
    def from_model(cls, row: CustomerRow) -> LeakyCustomer:
        return cls(phone=row.phone, mobile_phone=row.phone)


@strawberry.type
class MislabelledCustomer:
    email: str | None = personal(Category.NAME)

    @classmethod
    def from_model(cls, row: CustomerRow) -> MislabelledCustomer:
        return cls(email=row.email)


def test_a_new_field_exposing_a_personal_column_untagged_is_caught() -> None:
    assert list(exposure_errors([LeakyCustomer, MislabelledCustomer])) == [
        "LeakyCustomer.phone exposes a PHONE column without @personal(PHONE)",
        "MislabelledCustomer.email exposes a EMAIL column without @personal(EMAIL)",
    ]


def test_not_personal_columns_give_a_reason() -> None:
    for model, table in CLASSIFICATION.items():
        for column, kind in table.items():
            if isinstance(kind, NotPersonal | Snapshot):
                assert kind.reason.strip(), f"{model}.{column}"
