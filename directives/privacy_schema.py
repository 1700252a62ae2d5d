"""A Strawberry schema that enforces the privacy policy wherever personal data can leave."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Mapping, Sequence

import strawberry
from graphql import DirectiveLocation, GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension
from strawberry.extensions.directives import DirectivesExtension, DirectivesExtensionSync
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from directives.analysis import AnalysisCache
from directives.conflicts import is_write_conflict
from directives.enforcement import attach_enforcement
from directives.errors import ErrorCode, PrivacyError
from directives.guard import PrivacyGuard
from directives.index import PersonalIndex
from directives.operations import OPERATIONS, Operation, uncovered
from directives.vocabulary import Purpose

log = logging.getLogger("crm.graphql")


def _frames(error: BaseException | None) -> str:
    return "\n" + "".join(traceback.format_tb(error.__traceback__)) if error else ""


def _unexpected(original: BaseException | None) -> bool:
    return original is not None and not isinstance(original, GraphQLError | PrivacyError)


@strawberry.directive(
    locations=[DirectiveLocation.QUERY, DirectiveLocation.MUTATION],
    name="purpose",
    description="Declares the one purpose of use (P5 A-H) of this operation; `use` names a use "
    "outside A-H (defined by the operator, based on G or H) that reaches only people whose "
    "consent to it is in force.",
)
def purpose(
    code: Purpose, use: str | None = None
) -> None:  # pragma: no cover - read from the document by the guard
    """Operation-level: never called on a field value."""


def assign_code(error: GraphQLError) -> str:
    """Every error leaves with `extensions.code`: its own, or one named for where it arose."""
    code = (error.extensions or {}).get("code")
    if code is None:
        code = _code_for(error).value
        error.extensions = {**(error.extensions or {}), "code": code}
    return str(code)


def _code_for(error: GraphQLError) -> ErrorCode:
    original = error.original_error
    if isinstance(error, GraphQLSyntaxError):
        return ErrorCode.GRAPHQL_PARSE_FAILED  # the token limit is a parser limit too
    if is_write_conflict(original):
        return ErrorCode.CONFLICT
    if _unexpected(original):
        return ErrorCode.INTERNAL_ERROR
    # No path and no exception of ours: graphql-core refused a value (a variable or argument
    # of the wrong type, out of range, not in an enum) before or while coercing it.
    return ErrorCode.BAD_INPUT


class OperationPolicyError(RuntimeError):
    """A root field without a row in the operation policy, or a row for no root field."""


class PrivacySchema(strawberry.Schema):
    """`strawberry.Schema` plus the personal index, the guard and the enforcement point."""

    def __init__(
        self,
        query: type,
        mutation: type | None = None,
        *,
        extensions: Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]] = (),
        config: StrawberryConfig | None = None,
        enforce: bool = True,
        operations: Mapping[str, Operation] = OPERATIONS,
        types: Sequence[type] = (),
        max_cost: int | None = None,
    ) -> None:
        guard = [PrivacyGuard] if enforce else []
        super().__init__(
            query=query,
            mutation=mutation,
            directives=[purpose],
            types=types,
            extensions=[*guard, *extensions],
            config=config,
        )
        self.operations = operations
        self.analysis_cache = AnalysisCache()  # the guard's per-document analyses
        self.max_cost = max_cost  # estimated cost budget per operation (directives/cost.py)
        roots = [t for t in (self._schema.query_type, self._schema.mutation_type) if t]
        missing = uncovered(operations, (name for root in roots for name in root.fields))
        if missing:
            raise OperationPolicyError(
                f"Root fields and the operation policy disagree: {', '.join(missing)}"
            )
        self.personal_index = PersonalIndex.from_schema(self._schema)
        self.enforced_fields = (
            attach_enforcement(self._schema, self.personal_index) if enforce else []
        )

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log errors without their messages: coercion errors quote input values, and an
        unexpected exception may carry anything. Code, path and exception type suffice."""
        request_id = getattr(getattr(execution_context, "context", None), "request_id", "-")
        for error in errors:
            original = error.original_error
            code = assign_code(error)
            unexpected = _unexpected(original) and not is_write_conflict(original)
            log.log(
                logging.ERROR if unexpected else logging.INFO,
                "graphql error request_id=%s code=%s path=%s exception=%s%s",
                request_id,
                code,
                ".".join(map(str, error.path or [])) or "-",
                type(original).__name__ if original else "-",
                # Where it happened (frames only, never the message).
                _frames(original) if unexpected else "",
            )

    def get_extensions(self, sync: bool = False) -> list[SchemaExtension]:
        # `@purpose` is read once per operation by the guard; Strawberry's per-field directive
        # hook would cost every leaf its fast path for nothing.
        return [
            ext
            for ext in super().get_extensions(sync)
            if not isinstance(ext, DirectivesExtension | DirectivesExtensionSync)
        ]
