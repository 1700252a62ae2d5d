"""The personal-field index, read once from the built schema's `@personal` directives.

The enforcement point, the operation guard and the `privacyCatalog` all read this one index, so
what is enforced and what is published cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from graphql import GraphQLNamedType, GraphQLObjectType, GraphQLSchema, is_abstract_type

from directives.personal import personal_directive
from directives.policy import MASKS
from directives.vocabulary import Category, MaskStrategy, Purpose


@dataclass(frozen=True, slots=True)
class PersonalField:
    type_name: str
    name: str  # GraphQL name
    python_name: str
    category: Category
    purposes: frozenset[Purpose]

    @property
    def mask(self) -> MaskStrategy:
        return MASKS[self.category]


@dataclass(frozen=True, slots=True)
class PersonalIndex:
    by_type: Mapping[str, Mapping[str, PersonalField]]

    @classmethod
    def from_schema(cls, schema: GraphQLSchema) -> PersonalIndex:
        by_type: dict[str, dict[str, PersonalField]] = {}
        for type_ in schema.type_map.values():
            if isinstance(type_, GraphQLObjectType):
                found = dict(_personal_fields(type_))
                if found:
                    by_type[type_.name] = found
        return cls(by_type=by_type)

    def fields_of(self, type_name: str) -> Mapping[str, PersonalField]:
        return self.by_type.get(type_name, {})

    def all_fields(self) -> Iterator[PersonalField]:
        for fields in self.by_type.values():
            yield from fields.values()

    def carries_personal(self, schema: GraphQLSchema, type_: GraphQLNamedType) -> bool:
        """Whether an object of this type (or any type it may resolve to) has personal fields."""
        if is_abstract_type(type_):
            return any(t.name in self.by_type for t in schema.get_possible_types(type_))
        return type_.name in self.by_type


def _personal_fields(type_: GraphQLObjectType) -> Iterator[tuple[str, PersonalField]]:
    for name, field in type_.fields.items():
        definition = field.extensions.get("strawberry-definition")
        directive = personal_directive(definition) if definition is not None else None
        if directive is not None:
            yield (
                name,
                PersonalField(
                    type_name=type_.name,
                    name=name,
                    python_name=definition.python_name,
                    category=directive.category,
                    purposes=frozenset(directive.purposes),
                ),
            )
