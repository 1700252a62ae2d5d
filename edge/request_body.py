"""A GraphQL-over-HTTP request body, parsed strictly: anything else is a 400 with a code.

Strawberry's own parsing lets some bodies through to a 500 (a JSON string or number as the body,
a 10,000-digit integer, deep nesting, invalid UTF-8, a lone surrogate). Here each is refused
before the GraphQL layer sees it, and no message quotes the body.
"""

from __future__ import annotations

import json
from typing import Any

from strawberry.http import GraphQLRequestData

from directives.errors import ErrorCode

MAX_NESTING = 64  # JSON arrays/objects inside each other; GraphQL variables need far fewer
JSON_TYPES = ("application/json", "application/graphql-response+json")


class BadRequest(Exception):
    """Refused at the HTTP layer: status, code and a message without the client's text."""

    def __init__(self, message: str, code: ErrorCode = ErrorCode.BAD_REQUEST, status: int = 400):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


def parse_request(body: bytes, content_type: str) -> GraphQLRequestData:
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in JSON_TYPES:
        raise BadRequest("Send the request as application/json.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The body is not valid UTF-8.") from None
    data = _loads(text)
    _check_nesting_and_text(data)
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object (batches are not accepted).")
    return GraphQLRequestData(
        query=_optional(data, "query", str, "a string"),
        variables=_optional(data, "variables", dict, "an object"),
        operation_name=_optional(data, "operationName", str, "a string"),
        extensions=_optional(data, "extensions", dict, "an object"),
    )


def _loads(text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise BadRequest("The JSON is nested too deeply.") from None
    except ValueError:  # JSONDecodeError, and integers past Python's digit limit
        raise BadRequest("The body is not valid JSON.") from None


def _no_constant(_: str) -> Any:
    raise ValueError("NaN and Infinity are not JSON")


def _optional(data: dict[str, Any], key: str, kind: type, what: str) -> Any:
    value = data.get(key)
    if value is not None and not isinstance(value, kind):
        raise BadRequest(f"`{key}` must be {what} or null.")
    return value


def _check_nesting_and_text(value: Any) -> None:
    """Iteratively (no recursion to exhaust): depth, and strings that are real Unicode."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, dict | list):
            if depth >= MAX_NESTING:
                raise BadRequest("The JSON is nested too deeply.")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("The JSON holds an unpaired surrogate (\\ud800-\\udfff).") from None
