"""The privacy catalog: every personal field, generated from the enforcing directives."""

from __future__ import annotations

import strawberry

from directives.index import PersonalField
from directives.vocabulary import Category, MaskStrategy, Purpose


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
