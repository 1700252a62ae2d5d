"""What an operation would cost, estimated from its document before anything runs.

The model follows the IBM GraphQL cost directive specification (which Apollo Router
implements): every field costs 1, a list multiplies the cost of what it holds by its size —
the `first` argument of its connection (the page size, 50 when not given), or an assumed size
for lists that are not paged — and aliases and fragments count each time they are used. The
estimate bounds what one request can make the server resolve, mask and audit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)

DEFAULT_PAGE = 50  # as resolvers/paging.py
MAX_PAGE = 1000
ASSUMED_LIST_SIZE = 10  # lists without paging: invoice lines, contacts, messages
PAGED_LISTS = frozenset({"nodes", "edges"})  # sized by their connection's `first`/`last`


class CostEstimator:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any] | None,
    ) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables or {}
        self._memo: dict[tuple[str, str, int], int] = {}

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        return self.selections(operation.selection_set, root, DEFAULT_PAGE) if root else 0

    def selections(self, node: SelectionSetNode | None, parent: Any, page: int) -> int:
        if node is None or parent is None:
            return 0
        total = 0
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                target = self._type(selection.type_condition, parent)
                total += self.selections(selection.selection_set, target, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, parent, page)
        return total

    def fragment(self, name: str, parent: Any, page: int) -> int:
        key = (name, getattr(parent, "name", "?"), page)
        if key not in self._memo:  # a fragment spread many times is costed once
            self._memo[key] = 0  # (validation already refused cycles)
            definition = self.fragments.get(name)
            target = self._type(definition.type_condition, parent) if definition else None
            self._memo[key] = self.selections(
                definition.selection_set if definition else None, target, page
            )
        return self._memo[key]

    def field(self, node: FieldNode, parent: Any, page: int) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0  # __typename; introspection is for staff only and not paged
        definition = getattr(parent, "fields", {}).get(name)
        if definition is None:
            return 1
        child_page = self._page_size(node) if _has_arg(definition, "first", "last") else page
        inner = 1 + self.selections(node.selection_set, get_named_type(definition.type), child_page)
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            size = page if name in PAGED_LISTS else ASSUMED_LIST_SIZE
            return size * inner
        return inner

    def _page_size(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value not in ("first", "last"):
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                raw = self.variables.get(value.name.value)
                size = raw if isinstance(raw, int) else DEFAULT_PAGE
            elif isinstance(value, IntValueNode):
                size = int(value.value) if len(value.value) < 10 else MAX_PAGE
            else:
                size = DEFAULT_PAGE
            return max(1, min(size, MAX_PAGE))
        return DEFAULT_PAGE

    def _type(self, condition: Any, parent: Any) -> GraphQLNamedType | None:
        if condition is None:
            return parent  # type: ignore[no-any-return]
        return self.schema.get_type(condition.name.value)


def _has_arg(definition: Any, *names: str) -> bool:
    return any(name in definition.args for name in names)


def estimate(
    schema: GraphQLSchema,
    document: Any,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None = None,
) -> int:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return CostEstimator(schema, fragments, variables).operation(operation)
