"""P4.4 / ASVS 6.2: what a password must be, and how it is stored."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from auth import passwords
from auth.passwords import Problem, hash_password, problems, verify_password


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("correct horse battery", []),  # a passphrase: 15+ characters, no classes needed
        ("ながいながいあいことば十五文字以上", []),  # any Unicode counts
        ("Tr0ub4dor&3x", []),  # 12 characters mixing letters, digits and symbols
        ("kx7#Lq9!mZ", []),  # exactly 10, mixed
        ("kx7Lq9mZwp", [Problem.TOO_SHORT]),  # 10 but no symbol
        ("kx7#Lq9!m", [Problem.TOO_SHORT]),  # 9, mixed
        ("qwhdkrmzpfbtlv", [Problem.TOO_SHORT]),  # 14 letters only
        ("abcdefghijklmn", [Problem.TOO_SHORT, Problem.TOO_SIMPLE]),  # and a run
        ("password", [Problem.TOO_SHORT, Problem.COMMON]),
        ("iloveyou", [Problem.TOO_SHORT, Problem.COMMON]),
        ("Password1234567", [Problem.COMMON]),  # long, but a listed password with digits added
        ("P@ssw0rd", [Problem.TOO_SHORT, Problem.COMMON]),  # leetspeak of a listed one
        ("long passphrase " * 16 + "!", [Problem.TOO_LONG]),  # 257 characters
        ("my login is hanako-88 ok", [Problem.CONTAINS_LOGIN]),
        # Long enough, yet guessable: refused as too simple.
        (" " * 15, [Problem.TOO_SIMPLE]),
        ("aaaaaaaaaaaaaaa", [Problem.TOO_SIMPLE]),
        ("123456789012345", [Problem.TOO_SIMPLE]),
        ("abcdefghijklmno", [Problem.TOO_SIMPLE]),
        ("passwordpassword", [Problem.TOO_SIMPLE]),
        ("iloveyouiloveyou", [Problem.TOO_SIMPLE]),
        ("!!!!!!!!!!1a", [Problem.TOO_SIMPLE]),
        ("zyxwvutsrqponml", [Problem.TOO_SIMPLE]),
    ],
)
def test_policy_table(password: str, expected: list[Problem]) -> None:
    assert problems(password, login="hanako-88") == expected


def test_at_least_64_characters_are_allowed_and_never_truncated() -> None:
    base = "a long passphrase that keeps going " * 7  # 245 characters
    stored = hash_password(base + "1")
    assert len(base) > 64 and problems(base + "1", login="x") == []
    assert verify_password(stored, base + "1").ok
    assert not verify_password(stored, base + "2").ok  # the last character still counts


def test_unicode_is_normalised_nfkc() -> None:
    stored = hash_password("ｆｕｌｌｗｉｄｔｈ　ｐａｓｓｐｈｒａｓｅ")  # full-width forms
    assert verify_password(stored, "fullwidth passphrase").ok


def test_hash_is_argon2id_at_asvs_parameters() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    params = stored.split("$")[3]
    assert params == "m=19456,t=2,p=1"
    assert "correct horse battery" not in stored


def test_wrong_and_missing_hashes_fail_alike() -> None:
    stored = hash_password("correct horse battery")
    assert not verify_password(stored, "wrong horse battery").ok
    assert not verify_password(None, "anything at all here").ok  # unknown account
    assert not verify_password("not-a-hash", "anything at all here").ok


def test_rehash_when_parameters_rise(monkeypatch: pytest.MonkeyPatch) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    stored = weak.hash("correct horse battery")
    verified = verify_password(stored, "correct horse battery")
    assert verified.ok and verified.rehash is not None
    assert verified.rehash.split("$")[3] == "m=19456,t=2,p=1"
    assert verify_password(verified.rehash, "correct horse battery").rehash is None
    assert passwords.HASHER.time_cost == 2
