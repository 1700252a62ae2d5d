"""The one purpose of an operation (P5): `@purpose(code: X)` on it and/or `X-Purpose`; and a
named use outside A-H, `@purpose(code: H, use: "code")`, declared in the document only."""

from __future__ import annotations

from graphql import EnumValueNode, OperationDefinitionNode, StringValueNode

from directives.errors import ErrorCode, PrivacyError
from directives.vocabulary import Purpose


def declared_purpose(operation: OperationDefinitionNode, header: str | None) -> Purpose | None:
    """The purpose from `@purpose(code: X)` and/or `X-Purpose`; both given must agree."""
    in_document = _directive_purpose(operation)
    in_header = _parse_purpose(header.strip().upper()) if header else None
    if in_document and in_header and in_document is not in_header:
        raise PrivacyError(
            ErrorCode.PURPOSE_CONFLICT,
            "The @purpose directive and the X-Purpose header name different purposes.",
        )
    return in_document or in_header


def _directive_purpose(operation: OperationDefinitionNode) -> Purpose | None:
    directives = [d for d in operation.directives or () if d.name.value == "purpose"]
    if not directives:
        return None
    if len(directives) > 1:
        raise PrivacyError(ErrorCode.PURPOSE_CONFLICT, "Declare one purpose per operation.")
    argument = next((a for a in directives[0].arguments or () if a.name.value == "code"), None)
    if argument is None or not isinstance(argument.value, EnumValueNode):
        raise PrivacyError(
            ErrorCode.PURPOSE_UNKNOWN, "@purpose needs a literal code, one of A to H."
        )
    return _parse_purpose(argument.value.value)


def _parse_purpose(code: str) -> Purpose:
    try:
        return Purpose(code)
    except ValueError:
        raise PrivacyError(
            ErrorCode.PURPOSE_UNKNOWN, "Unknown purpose: use one of A to H (P5)."
        ) from None


def declared_use(operation: OperationDefinitionNode) -> str | None:
    """The named use of `@purpose(code: X, use: "code")`, if any (a literal string)."""
    directive = next((d for d in operation.directives or () if d.name.value == "purpose"), None)
    if directive is None:
        return None
    argument = next((a for a in directive.arguments or () if a.name.value == "use"), None)
    if argument is None:
        return None
    if not isinstance(argument.value, StringValueNode):
        raise PrivacyError(ErrorCode.PURPOSE_UNKNOWN, "use: needs a literal named use code.")
    return argument.value.value
