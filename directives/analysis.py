"""The guard's analysis of a document, made once per document and reused: validation errors,
the operation, and what it selects (`Usage`). None of it depends on the caller — the role,
stage and purpose are checked against it on every request — so one entry serves everyone who
sends the same text, as Strawberry's ParserCache and ValidationCache do. Bounded, so unique
texts cannot grow memory without limit.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    get_operation_ast,
    validate,
)
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from directives.cost import estimate
from directives.early_audit import early_sites
from directives.index import PersonalIndex
from directives.operation import Usage
from directives.text_input import refused_literal

DEFAULT_ENTRIES = 512


@dataclass(frozen=True, slots=True)
class Analysis:
    errors: tuple[GraphQLError, ...]  # validation errors; nothing below is used if any
    operation: OperationDefinitionNode | None
    usage: Usage | None  # None when invalid or no operation matches
    # The first refused text among the document's literal arguments (directives.text_input);
    # the variables, which change per request, are checked per request.
    refused_literal: tuple[str, str] | None = None
    # The estimated cost (directives.cost) of an operation without variables; None when the
    # operation has variables (page sizes may come from them): estimated per request then.
    cost: int | None = None
    # How many enforced fields run before the audit can be written early; None: at the end
    # (directives.early_audit).
    early_sites: int | None = None


def analyse(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    rules: Sequence[type[ASTValidationRule]],
    index: PersonalIndex,
) -> Analysis:
    # Validated without "Did you mean ...?": suggestions would map the schema for callers
    # who may not introspect it. Strawberry then skips its own pass.
    all_rules = (*rules, MaybeNullValidationRule, OneOfInputValidationRule)
    errors = tuple(validate(schema, document, all_rules, hide_suggestions=True))
    operation = get_operation_ast(document, operation_name)
    usage = (
        Usage.of(schema, document, operation, index)
        if operation is not None and not errors
        else None
    )
    if usage is None or operation is None:
        return Analysis(errors, operation, usage)
    cost = None if operation.variable_definitions else estimate(schema, document, operation)
    return Analysis(
        errors,
        operation,
        usage,
        refused_literal(document, operation),
        cost,
        early_sites(schema, document, operation),
    )


class AnalysisCache:
    """Least recently used analyses, keyed by (document text, operation name)."""

    def __init__(self, entries: int = DEFAULT_ENTRIES) -> None:
        self.entries = entries
        self._cache: OrderedDict[tuple[str, str | None], Analysis] = OrderedDict()

    def get(
        self, text: str | None, operation_name: str | None, make: Callable[[], Analysis]
    ) -> Analysis:
        if text is None:  # a document given without its text: nothing to key it by
            return make()
        key = (text, operation_name)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        made = self._cache[key] = make()
        if len(self._cache) > self.entries:
            self._cache.popitem(last=False)
        return made
