"""Positions in the research view's list (built and sorted by pseudonym in memory):
opaque cursors holding an offset, never an id or a value."""

from __future__ import annotations

import base64
import binascii

from directives.reasons import ReasonCode, refused

_MAX_OFFSET = 10**7


def encode_position(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode_position(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "o" and value.isascii() and value.isdigit() and int(value) <= _MAX_OFFSET:
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise refused(ReasonCode.INVALID_CURSOR, "Invalid cursor.", fields=["after"])
