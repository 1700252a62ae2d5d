"""Links from a record to lists of other records (a customer's contracts, invoices and
inquiries). Each link is admitted by the operation-policy row of the root list it mirrors,
reads through the same scoped loaders, and returns personal-bearing types, so the one
enforcement point decides and audits their values as it does for the root list."""

from __future__ import annotations

from directives.errors import PrivacyError
from directives.operations import QUERIES, admit
from schema.context import Info


def admit_like(info: Info, root: str) -> None:
    """Refuse as the guard would refuse the root field `root` to this caller and purpose."""
    caller = info.context.caller
    role, stage = (caller.role, caller.stage) if caller is not None else (None, None)
    refusal = admit(QUERIES, root, role, stage, info.context.purpose)
    if refusal is not None:
        raise PrivacyError(refusal.code, refusal.message)
