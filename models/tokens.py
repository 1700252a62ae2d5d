"""Bearer tokens: 256 random bits, stored only as their SHA-256 (ASVS 7.2.3)."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # A fast hash is right for high-entropy random tokens; argon2 is for passwords.
    return hashlib.sha256(token.encode()).hexdigest()
