"""The one enforcement point.

`attach_enforcement` wraps, at schema build, the resolver of every field whose return type
carries personal fields. The wrapper masks whole objects where they are returned (a list once,
not each leaf), using a per-request plan keyed by (selection, type, relation, consent), and
buffers one audit entry per object. Leaves keep Strawberry's fast path.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    default_field_resolver,
    get_named_type,
)

from directives.audit import Withheld
from directives.context import PrivacyContext
from directives.index import PersonalField, PersonalIndex
from directives.masks import deny, masker
from directives.policy import explain, mask_for
from directives.scope import Subject, permitted, relation, withdrawn_of
from directives.selection import selected_fields
from directives.vocabulary import Category, Decision, Purpose, Relation, Role

if TYPE_CHECKING:
    Info: TypeAlias = GraphQLResolveInfo[Any]
else:
    Info = GraphQLResolveInfo

ENFORCED = "privacy-enforced"  # marker in GraphQLField.extensions, checked by the coverage test


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: counted per object
class _Plan:
    """Decisions for one (selection, type, relation, consent) within one request."""

    changes: tuple[tuple[str, Callable[[str | None], str | None]], ...]  # non-clear fields
    audit_code: str  # "field:DECISION,..." for the selected personal fields
    withheld: tuple[Withheld, ...]
    selected_count: int
    type_name: str


def attach_enforcement(schema: GraphQLSchema, index: PersonalIndex) -> list[str]:
    """Wrap every field that can return a personal-bearing object; returns 'Type.field's."""
    attached = []
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            if index.carries_personal(schema, get_named_type(field.type)):
                _wrap(field, index)
                attached.append(f"{type_.name}.{name}")
    return attached


def _wrap(field: GraphQLField, index: PersonalIndex) -> None:
    if field.extensions.get(ENFORCED):
        return
    inner = field.resolve or default_field_resolver

    def resolve(source: Any, info: Info, **args: Any) -> Any:
        result = inner(source, info, **args)
        if inspect.isawaitable(result):
            return _enforce_later(result, info, index)
        enforced = _enforce(result, info, index)
        started = _site_done(info.context)
        return enforced if started is None else _once_started(started, enforced)

    field.resolve = resolve
    field.extensions = {**field.extensions, ENFORCED: True}


async def _enforce_later(result: Awaitable[Any], info: Info, index: PersonalIndex) -> Any:
    enforced = _enforce(await result, info, index)
    started = _site_done(info.context)
    if started is not None:
        await started
    return enforced


async def _once_started(started: Awaitable[None], enforced: Any) -> Any:
    await started
    return enforced


def _site_done(context: PrivacyContext) -> Awaitable[None] | None:
    """One enforced field ran; after the last the document has (directives.early_audit),
    the audit write starts: what to await for its dispatch, or None."""
    start = context.early_audit
    if start is None:
        return None
    context.sites_left -= 1
    if context.sites_left > 0:
        return None
    context.early_audit = None
    return start()


def _enforce(result: Any, info: Info, index: PersonalIndex) -> Any:
    if result is None:
        return None
    context: PrivacyContext = info.context
    apply = _Applier(info, index, context, _path_pattern(info))
    if isinstance(result, list):
        item_path = f"{apply.path}.*"
        enforced: Any = [apply.one(item, item_path) for item in result]
    else:
        enforced = apply.one(result, apply.path)
    apply.count()
    return enforced


# (type, path, relation name, consent withdrawn, partner reach)
_LocalKey: TypeAlias = tuple[type, str, str, frozenset[Purpose], frozenset[Category] | None]


class _Applier:
    """Applies the request's plans to what one field returned (one object or a list)."""

    def __init__(
        self, info: Info, index: PersonalIndex, context: PrivacyContext, path: str
    ) -> None:
        self.info, self.index, self.context, self.path = info, index, context, path
        self.plans: dict[Any, _Plan] = context.plans
        self.entries = context.audit.entries
        self.node = id(info.field_nodes[0])  # the same AST node for every item of a list
        self.hits: dict[_Plan, int] = {}
        self.caller = context.caller
        # Only a partner's reach depends on the row (`permitted` is None for every other caller).
        self.partner = self.caller is not None and self.caller.role is Role.PARTNER
        self.local: dict[_LocalKey, _Plan] = {}
        self.types: dict[type, Mapping[str, PersonalField]] = {}

    def one(self, obj: Any, path: str) -> Any:
        if obj is None:
            return None
        if isinstance(obj, list):
            return [self.one(item, f"{path}.*") for item in obj]
        cls = type(obj)
        fields = self.types.get(cls)
        if fields is None:
            fields = self.types[cls] = self.index.fields_of(cls.__strawberry_definition__.name)
        if not fields:
            return obj  # e.g. a member of a union without personal fields
        # Per object, so written for speed (a 1,000-row page runs it 1,000 times): the same
        # decisions as relation / withdrawn_of / permitted, without a call where one is known.
        subject: Subject = obj.privacy_subject()  # required of every personal-bearing type
        rel = relation(self.caller, subject)
        consent = subject.consent_withdrawn
        if consent is None:
            consent = withdrawn_of(subject)
        allowed = permitted(self.caller, subject) if self.partner else None
        # Enum members hash in Python (Enum.__hash__); their names hash in C, and name them.
        local_key = (cls, path, rel._name_, consent, allowed)
        plan = self.local.get(local_key)
        if plan is None:
            plan = self.local[local_key] = self._cached_plan(obj, path, rel, consent, allowed)
        if plan.selected_count:
            kind: str = subject.kind._value_
            self.entries.append((kind, subject.id, plan.type_name, plan.audit_code))
            self.hits[plan] = self.hits.get(plan, 0) + 1
        return _masked_copy(obj, plan.changes) if plan.changes else obj

    def _cached_plan(
        self,
        obj: Any,
        path: str,
        rel: Relation,
        consent: frozenset[Purpose],
        allowed: frozenset[Category] | None,
    ) -> _Plan:
        """The request-wide plan for this selection, type, relation, consent and agreement."""
        type_name = obj.__strawberry_definition__.name
        key = (self.node, path, type_name, rel, consent, allowed)
        plan = self.plans.get(key)
        if plan is None:
            fields = self.index.fields_of(type_name)
            plan = self.plans[key] = self._plan(type_name, fields, rel, consent, allowed, path)
        return plan

    def count(self) -> None:
        """Receipt counts, added once per plan rather than once per object."""
        audit = self.context.audit
        for plan, hits in self.hits.items():
            audit.field_count += plan.selected_count * hits
            for withheld in plan.withheld:
                audit.withheld[withheld] += hits

    def _plan(
        self,
        type_name: str,
        fields: Mapping[str, PersonalField],
        rel: Relation,
        consent: frozenset[Purpose],
        allowed: frozenset[Category] | None,
        path: str,
    ) -> _Plan:
        context = self.context
        role = context.caller.role if context.caller else None
        selected = selected_fields(
            schema=self.info.schema,
            type_name=type_name,
            field_nodes=self.info.field_nodes,
            fragments=self.info.fragments,
            variables=self.info.variable_values,  # type: ignore[arg-type,unused-ignore]
        )
        changes, codes, withheld = [], [], []
        for personal in fields.values():
            if role is None:
                decision, reason = Decision.DENIED, "UNAUTHENTICATED"
            else:
                decision, why = explain(
                    role=role,
                    purpose=context.purpose,
                    category=personal.category,
                    relation=rel,
                    field_purposes=personal.purposes,
                    consent_withdrawn=consent,
                    permitted=allowed,
                )
                reason = why.value
            strategy = mask_for(role, personal.category) if role else personal.mask
            if decision is not Decision.CLEAR:
                apply = masker(strategy) if decision is Decision.MASKED else deny
                changes.append((personal.python_name, apply))
            keys = selected.get(personal.name)
            if not keys:
                continue
            codes.append(f"{personal.name}:{decision.value}")
            if decision is not Decision.CLEAR:
                mask = strategy.value if decision is Decision.MASKED else None
                withheld += [Withheld(f"{path}.{k}", decision.value, reason, mask) for k in keys]
        return _Plan(tuple(changes), ",".join(codes), tuple(withheld), len(codes), type_name)


def _masked_copy(
    obj: Any, changes: tuple[tuple[str, Callable[[str | None], str | None]], ...]
) -> Any:
    """A copy with masked or nulled values; the original (maybe cached) is never mutated."""
    copy = object.__new__(type(obj))
    values = obj.__dict__.copy()
    for name, apply in changes:
        values[name] = apply(values[name])
    copy.__dict__ = values
    return copy


def _path_pattern(info: Info) -> str:
    keys: list[str] = []
    path: Any = info.path
    while path is not None:
        keys.append("*" if isinstance(path.key, int) else str(path.key))
        path = path.prev
    return ".".join(reversed(keys))
