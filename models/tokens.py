"""Tokens (256 random bits, made where they are issued) are stored only as their SHA-256."""

from __future__ import annotations

import hashlib


def hash_token(token: str) -> str:
    # A fast hash is right for high-entropy random tokens; argon2 is for passwords.
    return hashlib.sha256(token.encode()).hexdigest()
