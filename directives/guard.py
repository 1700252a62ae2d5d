"""The operation guard: authentication, introspection, and the declared purpose.

Runs once per operation, before anything resolves: an operation that selects personal fields
without a valid purpose is refused whole. After execution it writes the audit buffer and adds
the privacy receipt; if the audit write fails, the caller gets an error and no data.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension
from tortoise.transactions import in_transaction

from directives import provision
from directives.analysis import Analysis, AnalysisCache, analyse
from directives.audit import AuditBuffer, AuditHeader, utc_now
from directives.context import PrivacyContext
from directives.cost import estimate
from directives.errors import ErrorCode, PrivacyError
from directives.index import PersonalIndex
from directives.operation import Usage
from directives.operations import (
    INTROSPECTION_ROLES,
    PURPOSE_OPTIONAL_ROLES,
    READ_ONLY_SCOPES,
    Operation,
    admit,
)
from directives.policy import may_declare
from directives.policy_versions import in_force
from directives.prelogin import pre_login_errors
from directives.purpose import declared_purpose, declared_use
from directives.reasons import ReasonCode, refused
from directives.text_input import refused_in, refused_literal
from directives.vocabulary import Purpose
from models.rights import NamedUse
from models.security import Stage

log = logging.getLogger("privacy.guard")

META_FIELDS = frozenset({"__typename", "__schema", "__type"})


class PrivacyGuard(SchemaExtension):
    def __init__(self) -> None:
        self.declared: Purpose | None = None
        self.refused_before_login: PrivacyError | None = None
        self.analysis: Analysis | None = None
        self.use: str | None = None
        # The audit write started early (directives.early_audit), and how many entries it has.
        self.early: tuple[asyncio.Future[None], int] | None = None

    @property
    def operations(self) -> Mapping[str, Operation]:
        table: Mapping[str, Operation] = self.execution_context.schema.operations  # type: ignore[attr-defined]
        return table

    @property
    def index(self) -> PersonalIndex:
        index: PersonalIndex = self.execution_context.schema.personal_index  # type: ignore[attr-defined]
        return index

    @property
    def cache(self) -> AnalysisCache:
        cache: AnalysisCache = self.execution_context.schema.analysis_cache  # type: ignore[attr-defined]
        return cache

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if document is not None and execution.pre_execution_errors is None:
            # Validation (without "Did you mean ...?") and the operation's usage, once per
            # document text (directives.analysis); Strawberry then skips its own pass.
            self.analysis = self.cache.get(
                execution.query,
                execution.operation_name,
                lambda: analyse(
                    execution.schema._schema,
                    document,
                    execution.operation_name,
                    execution.validation_rules,
                    self.index,
                ),
            )
        operation = (
            self.analysis.operation
            if self.analysis is not None
            else _operation(document, execution.operation_name)
        )
        if operation is not None:
            context: PrivacyContext = execution.context
            self.declared = declared_purpose(operation, context.header_purpose)
            self.use = declared_use(operation)
        if self.analysis is not None and document is not None:
            errors = list(self.analysis.errors)
            for error in errors:  # the cached errors get their code once; idempotent
                error.extensions = {"code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value}
            execution.pre_execution_errors = errors or self._over_budget(document, operation)
        if document is not None:
            self._close_schema_before_login(document, operation)
        yield

    def _over_budget(
        self, document: DocumentNode, operation: OperationDefinitionNode | None
    ) -> list[GraphQLError]:
        """Refused before anything runs when the estimated cost exceeds the budget."""
        budget: int | None = getattr(self.execution_context.schema, "max_cost", None)
        if operation is None or budget is None:
            return []
        cost = self.analysis.cost if self.analysis is not None else None
        if cost is None:
            variables = self.execution_context.variables
            cost = estimate(self.execution_context.schema._schema, document, operation, variables)
        if cost <= budget:
            return []
        refusal = PrivacyError(
            ErrorCode.QUERY_TOO_COSTLY,
            f"This operation's estimated cost {cost} exceeds the budget of {budget}: "
            "ask for smaller pages or fewer fields.",
            cost=cost,
            budget=budget,
        )
        return [GraphQLError(refusal.message, extensions=refusal.extensions)]

    def _close_schema_before_login(
        self, document: DocumentNode, operation: OperationDefinitionNode | None
    ) -> None:
        """Before authentication, one error that names nothing (directives.prelogin)."""
        execution = self.execution_context
        caller = execution.context.caller
        if caller is not None and caller.stage is Stage.FULL:
            return
        stage = caller.stage if caller is not None else None
        refused = pre_login_errors(
            self.operations, stage, document, operation, execution.pre_execution_errors
        )
        if refused is not None:
            error = GraphQLError(refused.message, extensions=refused.extensions)
            execution.pre_execution_errors = [error]
            self.refused_before_login = refused

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        refused = self.refused_before_login
        if refused is not None:
            context: PrivacyContext = self.execution_context.context
            await context.security_log.refused(context.caller, refused.code.value)

    async def on_execute(self) -> AsyncIterator[None]:
        context: PrivacyContext = self.execution_context.context
        analysis = self.analysis
        operation = analysis.operation if analysis is not None else None
        if context.confirm_caller is not None and not self._reads_only(analysis):
            await _caller_confirmed(context)  # a change is made by the caller of now only
        if operation is not None and analysis is not None and analysis.usage is not None:
            try:
                self._admit(context, operation, analysis.usage)
                await _admit_use(context)
            except PrivacyError as refusal:
                await _caller_confirmed(context)  # recorded against the caller of now only
                await context.security_log.refused(context.caller, refusal.code.value)
                raise
        if operation is not None and operation.operation is OperationType.MUTATION:
            # A change, its audit rows and its answer commit together or not at all (the
            # resolvers' own transactions nest as savepoints): a failed audit write rolls the
            # change back, so a client retrying on AUDIT_UNAVAILABLE never pays twice.
            async with in_transaction():
                yield
                await self._flush(context)
        else:
            sites = analysis.early_sites if analysis is not None else None
            if sites is not None:
                context.sites_left = sites
                context.early_audit = lambda: self._start_early(context)
            try:
                yield
            finally:
                context.early_audit = None
            await self._flush(context)

    def _reads_only(self, analysis: Analysis | None) -> bool:
        """A query whose every root only reads (directives.operations.READ_ONLY_SCOPES)."""
        operation = analysis.operation if analysis is not None else None
        if analysis is None or analysis.usage is None or operation is None:
            return False
        if operation.operation is not OperationType.QUERY:
            return False
        roots = analysis.usage.root_fields - META_FIELDS
        return all(
            name in self.operations and self.operations[name].scope in READ_ONLY_SCOPES
            for name in roots
        )

    def _start_early(self, context: PrivacyContext) -> Awaitable[None] | None:
        """The last enforced field ran (directives.early_audit): the audit write starts now,
        on a copy of what is buffered, and goes on beside the rest of the execution; `_flush`
        waits for it. Returns what the enforcement point awaits: a few turns of the event
        loop, for the write to reach its thread or the database."""
        audit = context.audit
        if audit.pending_uses or not audit.entries:
            return None  # a use still open, or nothing to write yet: at the end, as always
        beside = getattr(context.audit_store, "runs_beside", None)
        if beside is not None and not beside(len(audit.entries)):
            return None  # it would run on this thread anyway: nothing to gain
        written = AuditBuffer(entries=list(audit.entries))  # what the store writes
        task = asyncio.ensure_future(self._write_audit(context, written))
        # Retrieved by `_flush`; if the execution fails first, nobody would.
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
        self.early = (task, len(written.entries))
        return _dispatched()

    async def _flush(self, context: PrivacyContext) -> None:
        result = self.execution_context.result
        early, self.early = self.early, None
        if early is not None:
            task, count = early
            await task  # AUDIT_UNAVAILABLE if it failed
            if len(context.audit.entries) != count:
                # The proof was wrong: something released after the record was made.
                context.audit.written = False
                log.error("audit entries after the early write request_id=%s", context.request_id)
                raise _unavailable()
        if context.audit.pending_uses and not (result is not None and result.errors):
            # A resolver used a personal value, answered, and never said whose: fail closed.
            # (One that raised instead answered nothing from it.)
            context.audit.written = False
            log.error("use of personal values not recorded request_id=%s", context.request_id)
            raise _unavailable()
        if early is None and context.audit.entries:
            await self._write_audit(context, context.audit)

    def _admit(
        self, context: PrivacyContext, operation: OperationDefinitionNode, usage: Usage
    ) -> None:
        if usage.credential_checks > 1:
            # Before anything runs: a second alias must not even be tried (nor the first
            # succeed unseen, leaving a session nobody received).
            raise PrivacyError(
                ErrorCode.ONE_AUTH_ATTEMPT_PER_REQUEST, "One login attempt per request."
            )
        caller = context.caller
        role, stage = (caller.role, caller.stage) if caller else (None, None)
        purpose = self.declared
        if stage is Stage.FULL:
            if usage.introspection and role not in INTROSPECTION_ROLES:
                raise PrivacyError(
                    ErrorCode.INTROSPECTION_FORBIDDEN, "Introspection is not allowed."
                )
            if purpose is not None and role is not None and not may_declare(role, purpose):
                raise PrivacyError(
                    ErrorCode.PURPOSE_FORBIDDEN,
                    f"Role {role.value} may not declare purpose {purpose.value}.",
                )
        elif usage.introspection:
            code = ErrorCode.UNAUTHENTICATED if caller is None else ErrorCode.LOGIN_STEP_REQUIRED
            raise PrivacyError(code, "Authentication required: finish logging in first.")
        for name in sorted(usage.root_fields - META_FIELDS):
            refusal = admit(self.operations, name, role, stage, purpose)
            if refusal is not None:
                raise PrivacyError(refusal.code, refusal.message)
        variables = self.execution_context.variables or {}
        bad_text = refused_in(variables.items()) or self._refused_literal(operation)
        if bad_text is not None:
            field, why = bad_text
            raise refused(
                ReasonCode.INVALID_VALUE, f"Invalid value for {field}: {why}.", fields=[field]
            )
        if role is None:
            return
        if stage is not Stage.FULL and usage.personal:
            # `me` answers every login stage; a personal value only a finished login (a
            # password alone must not open one's own record before the TOTP step).
            raise PrivacyError(
                ErrorCode.LOGIN_STEP_REQUIRED, "Authentication required: finish logging in first."
            )
        if purpose is None and usage.personal and role not in PURPOSE_OPTIONAL_ROLES:
            raise PrivacyError(
                ErrorCode.PURPOSE_REQUIRED,
                "This operation selects personal fields: declare a purpose with "
                "@purpose(code: ...) on the operation or the X-Purpose header.",
            )
        if self.use is not None:
            self._admit_use_for(usage.root_fields - META_FIELDS, purpose)
        context.purpose = purpose
        context.named_use = self.use
        context.operation_name = operation.name.value if operation.name else None
        # What the audit row will hold must fit it: refuse now, not fail the write later.
        too_long = self._header(context).too_long()
        if too_long:
            raise refused(
                ReasonCode.TOO_LONG_FOR_AUDIT, f"Too long for the audit: {', '.join(too_long)}."
            )

    def _refused_literal(self, operation: OperationDefinitionNode) -> tuple[str, str] | None:
        if self.analysis is not None:
            return self.analysis.refused_literal  # per document, with its validation
        document = self.execution_context.graphql_document
        return refused_literal(document, operation) if document is not None else None

    def _admit_use_for(self, root_fields: AbstractSet[str], purpose: Purpose | None) -> None:
        """A named use (P5) only with its base purpose, and only on operations that leave out
        people without consent (the operation policy's `consent`)."""
        if purpose is None:
            raise PrivacyError(
                ErrorCode.PURPOSE_REQUIRED, "A named use is declared with its purpose (G or H)."
            )
        if not all(self.operations[name].consent for name in root_fields):
            raise PrivacyError(
                ErrorCode.FORBIDDEN, "This operation cannot be declared for a named use."
            )

    @staticmethod
    def _header(context: PrivacyContext) -> AuditHeader:
        caller = context.caller
        at = utc_now()
        return AuditHeader(
            request_id=context.request_id,
            at=at,
            actor=caller.login if caller else "-",
            role=caller.role.value if caller else "-",
            purpose=context.purpose.value if context.purpose else "SELF",
            named_use=context.named_use,
            operation_name=context.operation_name,
            client_address=context.client_address,
            policy_version=in_force(at).id,  # P11: the version in force when read
        )

    async def _write_audit(self, context: PrivacyContext, audit: AuditBuffer) -> None:
        """`audit`'s entries: the request's buffer, or its copy when written early."""
        await _caller_confirmed(context)  # nothing recorded as read by a caller of before
        try:
            header = self._header(context)
            await context.audit_store.write(header, audit)
            if context.caller is not None and context.caller.partner is not None:
                # What an option provider received is a provision (APPI art. 29), recorded
                # with the audit: fail closed like it.
                await provision.save_partner_reads(
                    context.caller, header.request_id, header.at, audit.entries
                )
            context.audit.written = True
            context.audit.policy_version = header.policy_version
        except Exception as exc:
            # The exception's text is not logged: a driver may quote the rows it failed on.
            log.error(
                "audit write failed request_id=%s error=%s", context.request_id, type(exc).__name__
            )
            raise _unavailable() from None

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        if not isinstance(context, PrivacyContext) or not context.audit.written:
            return {}
        return {"privacy": receipt(context)}


async def _dispatched() -> None:
    """Turns of the event loop for an audit write just started: the guard's task submits it,
    the committer takes it and hands it to SQLite's thread or sends it to PostgreSQL (each a
    turn when nothing else is ready). Only how much of the write overlaps depends on it."""
    for _ in range(8):
        await asyncio.sleep(0)


async def _caller_confirmed(context: PrivacyContext) -> None:
    """Refuses a caller checked lately that a lookup made now would not give (auth.recent);
    the edge then runs the request again as the lookup says."""
    confirm = context.confirm_caller
    if confirm is not None and not await confirm():
        raise PrivacyError(ErrorCode.UNAUTHENTICATED, "Authentication required.")


def _unavailable() -> PrivacyError:
    return PrivacyError(
        ErrorCode.AUDIT_UNAVAILABLE,
        "The audit log could not be written; no personal data was returned.",
    )


def receipt(context: PrivacyContext) -> dict[str, Any]:
    """Compact: one line per (path pattern, decision, reason), with a count."""
    return {
        "purpose": context.purpose.value if context.purpose else None,
        **({"use": context.named_use} if context.named_use else {}),
        "policyVersion": context.audit.policy_version,
        "auditRef": context.request_id,
        "personalFields": context.audit.field_count,
        "withheld": [
            {
                "path": w.path,
                "decision": w.decision,
                "reason": w.reason,
                **({"mask": w.mask} if w.mask else {}),
                "count": count,
            }
            for w, count in context.audit.withheld.items()
        ],
    }


async def _admit_use(context: PrivacyContext) -> None:
    """The declared named use exists and is based on the declared purpose."""
    if context.named_use is None or context.purpose is None:
        return
    if not await NamedUse.exists(code=context.named_use, base=context.purpose.value):
        raise PrivacyError(
            ErrorCode.PURPOSE_UNKNOWN, "Unknown named use for this purpose (see namedUses)."
        )


def _operation(document: DocumentNode | None, name: str | None) -> OperationDefinitionNode | None:
    return get_operation_ast(document, name) if document is not None else None
