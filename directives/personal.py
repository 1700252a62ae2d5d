"""The schema directives: `@personal` on every personal field, `@purpose` on operations."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.schema_directive import Location
from strawberry.types.field import StrawberryField

from directives.policy import purposes_for
from directives.vocabulary import Category, Decision, MaskStrategy, Purpose, Role

# Expose the plain enums to GraphQL under their own names.
strawberry.enum(Category, description="Kind of personal information (P1).")
strawberry.enum(Purpose, description="Purpose of use (P5 A-H).")
strawberry.enum(Decision, description="What the policy decided for one personal field.")
strawberry.enum(MaskStrategy, description="Named mask; reveals no more than its name says.")
strawberry.enum(Role, description="What an account may do.")


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    name="personal",
    description="Marks a field holding personal information (P1) and the purposes it serves.",
)
class Personal:
    category: Category
    purposes: list[Purpose]


def personal(
    category: Category,
    *,
    purposes: frozenset[Purpose] | None = None,
    description: str | None = None,
    **field_kwargs: Any,
) -> Any:
    """A Strawberry field tagged `@personal`; purposes default to all the policy allows."""
    served = purposes_for(category) if purposes is None else purposes
    directive = Personal(category=category, purposes=sorted(served))
    return strawberry.field(directives=[directive], description=description, **field_kwargs)


def personal_directive(field: StrawberryField) -> Personal | None:
    return next((d for d in field.directives if isinstance(d, Personal)), None)
