"""TOTP (RFC 6238) with pyotp: CSPRNG secrets, +-1 step, each code accepted once.

The once-only rule lives in the database: `Account.totp_last_step` is raised with a
conditional UPDATE, so of two concurrent requests with the same code only one wins.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pyotp
import segno

ISSUER = "Privacy CRM"
# Steps either side, as the accounts issue asks (+-1 for clock skew): a code is accepted for
# up to 90 s, longer than ASVS 6.5.5's 30 s; each is still accepted only once.
WINDOW = 1
RECOVERY_CODES = 10


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits from `secrets` (ASVS 6.5.3)


def provisioning_uri(secret: str, login: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=4, xmldecl=False)
    return buffer.getvalue().decode()


def matching_step(
    secret: str,
    code: str,
    at: datetime,
    *,
    digits: int = 6,
    digest: Callable[..., Any] | None = None,
    window: int = WINDOW,
) -> int | None:
    """The time step within +-window whose code equals `code`, or None."""
    totp = pyotp.TOTP(secret, digits=digits, digest=digest or hashlib.sha1)
    if len(code) != digits or not (code.isascii() and code.isdigit()):
        return None
    now = totp.timecode(at)
    for step in range(now - window, now + window + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes of 16 base32 characters (80 bits), shown once, stored keyed-hashed."""
    return [_recovery_code() for _ in range(RECOVERY_CODES)]


def _recovery_code() -> str:
    raw = "".join(secrets.choice("ABCDEFGHJKMNPQRSTUVWXYZ23456789") for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_recovery_code(code: str) -> str:
    return code.strip().upper().replace(" ", "")
