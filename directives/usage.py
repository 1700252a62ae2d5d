"""Audit of personal values used on the server rather than returned (e.g. choosing a send
list by who has a fax number, P5.H): the same audit rows as a read, under the same purpose."""

from __future__ import annotations

from collections.abc import Iterable

from directives.context import PrivacyContext
from directives.scope import Subject


def record_use(
    context: PrivacyContext, subjects: Iterable[Subject], type_name: str, fields: Iterable[str]
) -> None:
    """One audit entry per subject whose `fields` the operation used (decision CLEAR: a use
    is only allowed where the policy would show the value, see `directives.filtering`)."""
    code = ",".join(f"{name}:CLEAR" for name in fields)
    context.audit.entries.extend(
        (subject.kind.value, subject.id, type_name, code) for subject in subjects
    )
