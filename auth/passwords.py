"""Passwords (P4.4, ASVS 6.2): argon2id, a composition rule without the known weaknesses.

Accepted: a passphrase of at least 15 characters, or at least 10 mixing letters, digits and
symbols. Always refused: a password on the shipped list of 30,000 common and breached ones
(zxcvbn's list, offline), one containing the login ID, or one too simple to count
(fewer than 5 different characters, a run like 'abcdefghijklmno', a listed word repeated).
Up to 256 characters, any Unicode (NFKC-normalised, never truncated).
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_PASSPHRASE = 15
MIN_MIXED = 10
MAX_LENGTH = 256

# ASVS appendix C: argon2id with m >= 19 MiB, t = 2, p = 1. Raising these rehashes on login.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class Problem(StrEnum):
    TOO_SHORT = "TOO_SHORT"  # < 10, or 10..14 without letters, digits and symbols
    TOO_LONG = "TOO_LONG"
    COMMON = "COMMON"  # on the common/breached list
    TOO_SIMPLE = "TOO_SIMPLE"  # fewer than 5 different characters, a run, or a word repeated
    CONTAINS_LOGIN = "CONTAINS_LOGIN"


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


@cache
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def _mixes_classes(password: str) -> bool:
    letters = any(c.isalpha() for c in password)
    digits = any(c.isdigit() for c in password)
    symbols = any(not c.isalnum() and not c.isspace() for c in password)
    return letters and digits and symbols


def problems(password: str, *, login: str) -> list[Problem]:
    """Why `password` is refused; empty when it is acceptable."""
    value = normalise(password)
    found: list[Problem] = []
    if len(value) > MAX_LENGTH:
        found.append(Problem.TOO_LONG)
    if len(value) < MIN_MIXED or (len(value) < MIN_PASSPHRASE and not _mixes_classes(value)):
        found.append(Problem.TOO_SHORT)
    if value.casefold() in _common() or value.casefold().rstrip("0123456789!?.") in _common():
        found.append(Problem.COMMON)
    if len(login) >= 3 and login.casefold() in value.casefold():
        found.append(Problem.CONTAINS_LOGIN)
    if Problem.COMMON not in found and _too_simple(value.casefold()):
        found.append(Problem.TOO_SIMPLE)
    return found


def _too_simple(value: str) -> bool:
    """Guessable however long: 'aaaaaaaaaaaaaaa', '123456789012345', 'passwordpassword'."""
    if len(set(value.replace(" ", ""))) < 5:
        return True
    if _is_run(value):
        return True
    return any(
        value == value[:size] * (len(value) // size) and value[:size] in _common()
        for size in range(1, len(value) // 2 + 1)
        if len(value) % size == 0
    )


def _is_run(value: str) -> bool:
    """Each character one code point after (or before) the last, cycling 9->0: '1234567890'."""
    steps = {
        (ord(b) - ord(a)) % 10 if a.isdigit() and b.isdigit() else ord(b) - ord(a)
        for a, b in itertools.pairwise(value)
    }
    return steps in ({1}, {-1}, {9})


def hash_password(password: str) -> str:
    return HASHER.hash(normalise(password))


@dataclass(frozen=True, slots=True)
class Verified:
    ok: bool
    rehash: str | None = None  # a new hash when the parameters have risen


def verify_password(stored: str | None, password: str) -> Verified:
    """Constant work whether or not the account exists (a dummy hash stands in)."""
    try:
        HASHER.verify(stored or _dummy(), normalise(password))
    except (VerificationError, InvalidHashError):
        return Verified(ok=False)
    if stored is None:
        return Verified(ok=False)
    return Verified(
        ok=True, rehash=hash_password(password) if HASHER.check_needs_rehash(stored) else None
    )


@cache
def _dummy() -> str:
    return HASHER.hash("not a password of anyone: timing only")
