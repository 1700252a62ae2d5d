"""The privacy catalog: every personal field, generated from the enforcing directives."""

from __future__ import annotations

import strawberry

from directives.index import PersonalField
from directives.operations import Operation, RowScope
from directives.vocabulary import Category, MaskStrategy, Purpose, Role


@strawberry.type(description="One personal field of the schema and how the policy treats it.")
class CatalogEntry:
    type_name: str
    field_name: str
    category: Category
    purposes: list[Purpose]
    mask: MaskStrategy

    @classmethod
    def from_field(cls, field: PersonalField) -> CatalogEntry:
        return cls(
            type_name=field.type_name,
            field_name=field.name,
            category=field.category,
            purposes=sorted(field.purposes),
            mask=field.mask,
        )


@strawberry.type(description="A purpose of use (P5).")
class PurposeInfo:
    code: Purpose
    description: str


strawberry.enum(RowScope, description="Which rows an operation reaches.")


@strawberry.type(description="One root operation of the operation policy.")
class OperationRule:
    kind: str  # QUERY or MUTATION
    operation: str
    roles: list[Role]
    purposes: list[Purpose] | None = strawberry.field(
        description="Purposes one of which must be declared; null: any the role may declare "
        "(needed when a personal field is selected)."
    )
    scope: RowScope
    consent: bool = strawberry.field(
        description="Leaves out people who withdrew consent to the declared purpose."
    )
    login_stages: list[str] = strawberry.field(
        description="Login stages that may call it (ANONYMOUS: before logging in)."
    )

    @classmethod
    def of(cls, kind: str, name: str, row: Operation) -> OperationRule:
        return cls(
            kind=kind,
            operation=name,
            roles=sorted(row.roles),
            purposes=sorted(row.purposes) if row.purposes is not None else None,
            scope=row.scope,
            consent=row.consent,
            login_stages=sorted(s.value if s else "ANONYMOUS" for s in row.stages),
        )
