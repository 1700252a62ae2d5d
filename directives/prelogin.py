"""Before authentication, the schema stays closed: introspection is for staff, and validation
errors would otherwise name types and fields ("Cannot query field 'x' on type 'AuditEvent'").

A caller that has not finished logging in may send only the root fields its login stage may
run (the operation table's `stages`, e.g. `login` when anonymous) and `__typename`. Any other
document, and any of those documents that fails validation, gets one error that names nothing:
the same answer for a field that exists and for one that does not.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from directives.errors import ErrorCode, PrivacyError
from directives.operations import Operation
from models.security import Stage

ALWAYS_ALLOWED = frozenset({"__typename"})


def allowed_roots(table: Mapping[str, Operation], stage: Stage | None) -> frozenset[str]:
    return frozenset(name for name, row in table.items() if stage in row.stages) | ALWAYS_ALLOWED


def refusal(stage: Stage | None) -> PrivacyError:
    if stage is None:
        return PrivacyError(ErrorCode.UNAUTHENTICATED, "Authentication required.")
    return PrivacyError(
        ErrorCode.LOGIN_STEP_REQUIRED, "Authentication required: finish logging in first."
    )


def pre_login_errors(
    table: Mapping[str, Operation],
    stage: Stage | None,
    document: DocumentNode,
    operation: OperationDefinitionNode | None,
    errors: Sequence[GraphQLError] | None,
) -> PrivacyError | None:
    """None if the document may go on; otherwise the one error that replaces every other.
    `stage` is the caller's (None: anonymous); call only for callers not at Stage.FULL."""
    if operation is None:
        return refusal(stage) if errors else None
    names = set(root_field_names(document, operation))
    if errors or not names <= allowed_roots(table, stage):
        return refusal(stage)
    return None


def root_field_names(document: DocumentNode, operation: OperationDefinitionNode) -> Iterator[str]:
    """The operation's root field names, read from the syntax alone (no schema): through
    inline fragments and named fragments at the root, whatever their type condition."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    seen: set[str] = set()
    stack: list[SelectionSetNode] = [operation.selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                yield selection.name.value
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    seen.add(name)
                    stack.append(fragments[name].selection_set)
                elif name not in fragments:
                    yield "..." + name  # unknown fragment: never an allowed root
