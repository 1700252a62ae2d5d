"""When a query's audit can be written before its execution ends.

A request's audit records every personal object the answer releases, and the answer waits
until that record is durable. Written at the end, the write waits alone: nothing else of the
request is left to do. But in most queries the last audit entry is known well before the end:
once the enforcement point has passed the last personal object, what is left is completing
the leaves and building the result. Started there, the write (another thread's work on
SQLite, the database's on PostgreSQL) runs beside that work; the guard still awaits it before
the answer leaves (directives.guard).

That is only right when nothing can add an entry after the start. `early_sites` proves it
statically, per document, or answers None (the write then waits for the end, as always):

- a query (a mutation's audit commits in the mutation's transaction) with one root field
  (the root fields of a query run concurrently);
- every enforced field (directives.enforcement) is met at most once: none under a list, none
  under `@skip` / `@include`, no interface or union on the way (a type condition could pick
  another field set);
- no field but the root and the enforced ones has a resolver of its own (one might open a
  use of a personal value, directives.usage, after the start): the others read attributes.

The count is how many enforced fields run; the enforcement point counts them down and starts
the write after the last (`PrivacyContext.early_audit`). A field that does not run (a null
parent, an error) leaves the count above zero: no early start. Whatever the proof says, the
guard seals what it wrote: an entry added later fails the request closed (AUDIT_UNAVAILABLE).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
)

from directives.enforcement import ENFORCED


class _NotProven(Exception):
    """Something in the document the proof does not cover."""


def early_sites(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
) -> int | None:
    """How many enforced fields the query runs, each at most once, with nothing able to add
    an audit entry after the last of them; None when that is not proven."""
    root = schema.query_type
    if operation.operation is not OperationType.QUERY or root is None:
        return None
    walk = _Walk(
        {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    )
    try:
        walk.selections(operation.selection_set, root, root=True, under_list=False)
    except _NotProven:
        return None
    return walk.sites if walk.roots == 1 and walk.sites else None


class _Walk:
    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.sites = 0
        self.roots = 0

    def selections(
        self, selection_set: SelectionSetNode, parent: GraphQLObjectType, *, root: bool,
        under_list: bool,
    ) -> None:  # fmt: skip
        for selection in selection_set.selections:
            if selection.directives:  # @skip / @include: whether it runs is not static
                raise _NotProven
            if isinstance(selection, FieldNode):
                self.field(selection, parent, root=root, under_list=under_list)
                continue
            if isinstance(selection, FragmentSpreadNode):
                fragment: Any = self.fragments.get(selection.name.value)
                if fragment is None or fragment.directives:
                    raise _NotProven
            else:
                assert isinstance(selection, InlineFragmentNode)
                fragment = selection
            condition = fragment.type_condition
            if condition is not None and condition.name.value != parent.name:
                raise _NotProven
            self.selections(fragment.selection_set, parent, root=root, under_list=under_list)

    def field(
        self, node: FieldNode, parent: GraphQLObjectType, *, root: bool, under_list: bool
    ) -> None:
        name = node.name.value
        if name == "__typename":
            return
        field = parent.fields.get(name)
        if field is None:  # introspection (__schema, __type) and anything unknown
            raise _NotProven
        enforced = bool(field.extensions.get(ENFORCED))
        if root:
            self.roots += 1
        elif not enforced and not _reads_an_attribute(field):
            raise _NotProven
        if enforced:
            if under_list:
                raise _NotProven
            self.sites += 1
        if node.selection_set is None:
            return
        named = get_named_type(field.type)
        if not isinstance(named, GraphQLObjectType):
            raise _NotProven
        listed = under_list or _is_list(field.type)
        self.selections(node.selection_set, named, root=False, under_list=listed)


def _reads_an_attribute(field: GraphQLField) -> bool:
    """graphql-core's default resolver, or Strawberry's for a field without a resolver of its
    own (marked `_is_default`)."""
    return field.resolve is None or bool(getattr(field.resolve, "_is_default", False))


def _is_list(type_: Any) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)
