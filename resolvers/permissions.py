"""Who may call an operation at all (per root field). Field values are the guard's business."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from directives.context import STAFF_ROLES
from directives.errors import ErrorCode
from directives.vocabulary import Role


def allow(*roles: Role) -> type[BasePermission]:
    """A permission class admitting only `roles` (refusal code FORBIDDEN)."""
    allowed = frozenset(roles)

    class RoleIn(BasePermission):
        message = "Your role may not use this field."
        error_extensions = {"code": ErrorCode.FORBIDDEN.value}  # noqa: RUF012

        async def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
            caller = info.context.caller
            if caller is not None and caller.role in allowed:
                return True
            await info.context.security_log.refused(caller, ErrorCode.FORBIDDEN.value)
            return False

    RoleIn.__name__ = "RoleIn" + "".join(r.value.title() for r in sorted(allowed))
    return RoleIn


STAFF = tuple(sorted(STAFF_ROLES))
