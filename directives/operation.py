"""What an operation selects, read statically from its document before anything runs:
field names, root fields, personal fields, introspection, credential checks. Fragments are
followed (only those the operation reaches), so nothing hides in them."""

from __future__ import annotations

from collections.abc import Iterator, Set
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)

from directives.index import PersonalIndex

# Root fields that check a password, a TOTP code or a recovery code: one per operation.
CREDENTIAL_FIELDS = frozenset(
    {
        "login", "verifyTotp", "enrolTotp", "confirmTotp", "resetTotp", "changePassword",
        "createApiToken", "activateAccount",
    }
)  # fmt: skip


class Usage:
    """What an operation selects, statically: field names, personal fields, introspection.

    Shared between requests once built (directives.analysis): its sets are frozen."""

    def __init__(self) -> None:
        self.fields: Set[str] = set()
        self.root_fields: Set[str] = set()
        self.credential_checks = 0  # root fields that check a password or a code
        self.personal = False
        self.introspection = False

    @classmethod
    def of(
        cls,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        index: PersonalIndex,
    ) -> Usage:
        usage = cls()
        type_info = TypeInfo(schema)
        roots = frozenset(
            t.name
            for t in (schema.query_type, schema.mutation_type, schema.subscription_type)
            if t is not None
        )
        visitor = UsageVisitor(usage, type_info, index, roots)
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        for node in [operation, *_reachable(operation, fragments)]:
            visit(node, TypeInfoVisitor(type_info, visitor))
        usage.fields, usage.root_fields = frozenset(visitor.fields), frozenset(visitor.root_fields)
        return usage


class UsageVisitor(Visitor):
    def __init__(
        self, usage: Usage, type_info: TypeInfo, index: PersonalIndex, roots: frozenset[str]
    ) -> None:
        super().__init__()
        self.usage, self.type_info, self.index = usage, type_info, index
        self.roots = roots
        self.fields, self.root_fields = set[str](), set[str]()

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        name = node.name.value
        self.fields.add(name)
        if name in ("__schema", "__type"):
            self.usage.introspection = True
        parent = self.type_info.get_parent_type()
        if parent is not None and parent.name in self.roots:
            self.root_fields.add(name)
            self.usage.credential_checks += name in CREDENTIAL_FIELDS
        if parent is not None and name in self.index.fields_of(parent.name):
            self.usage.personal = True


def _reachable(operation: Any, fragments: dict[str, Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    stack = [operation]
    while stack:
        node = stack.pop()
        for spread in _spreads(node):
            if spread in fragments and spread not in seen:
                seen[spread] = fragments[spread]
                stack.append(fragments[spread])
    return list(seen.values())


def _spreads(node: Any) -> Iterator[str]:
    class Spreads(Visitor):
        def __init__(self) -> None:
            super().__init__()
            self.names: list[str] = []

        def enter_fragment_spread(self, spread: Any, *_: Any) -> None:
            self.names.append(spread.name.value)

    visitor = Spreads()
    visit(node, visitor)
    yield from visitor.names
