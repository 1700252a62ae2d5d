"""Every text a client sends, checked once per operation before anything runs.

Whatever the argument or input field — the next one added is covered without anyone
remembering — text may not hold NUL or other control characters (tab, line feed and carriage
return excepted: free text has lines), bidirectional overrides and isolates (they make stored
text display differently from what it is, "Trojan Source"), or unpaired surrogates (not
Unicode; they fail when encoded). The error names the field, never the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
    Visitor,
    value_from_ast_untyped,
    visit,
)

MAX_TEXT = 20_000  # characters in any one string argument (inquiry messages are the longest)
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 (but \t \n \r), DEL, C1
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides, isolates
    "\ud800-\udfff]"  # surrogates (never valid alone in a str)
)


def refused_text(value: str) -> str | None:
    """Why this text is refused, or None."""
    if len(value) > MAX_TEXT:
        return f"longer than {MAX_TEXT} characters"
    if FORBIDDEN.search(value):
        return "control, bidirectional-override or unpaired-surrogate characters"
    return None


def first_refused(
    document: DocumentNode, operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> tuple[str, str] | None:
    """(field name, reason) of the first refused text in the operation's inputs: the
    variables first, then the literals written in the document."""
    return refused_in(variables.items()) or refused_literal(document, operation)


def refused_in(inputs: Iterable[tuple[str, Any]]) -> tuple[str, str] | None:
    """(field name, reason) of the first refused text among (name, value) inputs."""
    for name, value in inputs:
        for field, text in _strings(name, value):
            reason = refused_text(text)
            if reason is not None:
                return field, reason
    return None


def refused_literal(
    document: DocumentNode, operation: OperationDefinitionNode
) -> tuple[str, str] | None:
    """The first refused text among the literal arguments of the operation and the
    document's fragments: it depends on the document alone, so the guard's per-document
    analysis (directives.analysis) keeps it and each request checks only its variables."""
    return refused_in(_literals(document, operation))


def _literals(document: DocumentNode, operation: OperationDefinitionNode) -> list[tuple[str, Any]]:
    literal: list[tuple[str, Any]] = []

    class Arguments(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            for argument in node.arguments or ():
                literal.append((argument.name.value, value_from_ast_untyped(argument.value)))

    nodes = [operation, *(d for d in document.definitions if isinstance(d, FragmentDefinitionNode))]
    for node in nodes:
        visit(node, Arguments())
    return literal


def _strings(name: str, value: Any) -> Iterator[tuple[str, str]]:
    """Every string inside a value, with the name of the input field that holds it."""
    stack: list[tuple[str, Any]] = [(name, value)]
    while stack:
        field, item = stack.pop()
        if isinstance(item, str):
            yield field, item
        elif isinstance(item, Mapping):
            stack.extend((str(key), child) for key, child in item.items())
        elif isinstance(item, list | tuple):
            stack.extend((field, child) for child in item)
