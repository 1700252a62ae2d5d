"""Which fields of one object type an operation selects, through aliases and fragments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
)


def selected_fields(
    *,
    schema: GraphQLSchema,
    type_name: str,
    field_nodes: Iterable[FieldNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> dict[str, list[str]]:
    """Field name -> response keys (aliases) selected on `type_name` below `field_nodes`."""
    found: dict[str, list[str]] = {}
    walker = _Walker(schema, type_name, fragments, variables, found)
    for node in field_nodes:
        if node.selection_set is not None:
            walker.walk(node.selection_set, visited=set())
    return found


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        type_name: str,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        found: dict[str, list[str]],
    ) -> None:
        self.schema, self.type_name = schema, type_name
        self.fragments, self.variables, self.found = fragments, variables, found

    def walk(self, selection_set: SelectionSetNode, visited: set[str]) -> None:
        for node in selection_set.selections:
            if not self._included(node):
                continue
            if isinstance(node, FieldNode):
                key = node.alias.value if node.alias else node.name.value
                self.found.setdefault(node.name.value, []).append(key)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else None
                if self._applies(condition):
                    self.walk(node.selection_set, visited)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in visited:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition.name.value):
                    self.walk(fragment.selection_set, visited)

    def _applies(self, condition: str | None) -> bool:
        if condition is None or condition == self.type_name:
            return True
        abstract = self.schema.get_type(condition)
        concrete = self.schema.get_type(self.type_name)
        try:
            return bool(self.schema.is_sub_type(abstract, concrete))  # type: ignore[arg-type]
        except (TypeError, AttributeError):
            return False

    def _included(self, node: Any) -> bool:
        """@skip wins over @include, as in graphql-core's own collector."""
        flags = {d.name.value: _flag(d, self.variables) for d in node.directives or ()}
        return not flags.get("skip", False) and flags.get("include", True)


def _flag(directive: DirectiveNode, variables: Any) -> bool:
    """The `if:` argument of @skip/@include, a literal or a (coerced) variable."""
    argument = next((a for a in directive.arguments or () if a.name.value == "if"), None)
    if argument is None:
        return False
    value = argument.value
    if isinstance(value, VariableNode):
        coerced = getattr(variables, "coerced", variables)  # graphql-core 3.3 wraps them
        return bool(coerced.get(value.name.value))
    return isinstance(value, BooleanValueNode) and value.value
