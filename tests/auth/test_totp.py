"""TOTP against the RFC vectors, the +-1 step window, secrets and recovery codes."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime

import pyotp
import pytest

from auth.secrets_box import SecretBox
from auth.totp import (
    matching_step,
    new_recovery_codes,
    new_secret,
    normalise_recovery_code,
    provisioning_uri,
    qr_svg,
)

# RFC 6238 appendix B: seeds are the ASCII strings, 8 digits.
SEEDS = {
    hashlib.sha1: b"12345678901234567890",
    hashlib.sha256: b"12345678901234567890123456789012",
    hashlib.sha512: b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("time", "sha1", "sha256", "sha512"), RFC6238)
def test_rfc6238_appendix_b(time: int, sha1: str, sha256: str, sha512: str) -> None:
    at = datetime.fromtimestamp(time, UTC)
    for digest, expected in (
        (hashlib.sha1, sha1),
        (hashlib.sha256, sha256),
        (hashlib.sha512, sha512),
    ):
        secret = base64.b32encode(SEEDS[digest]).decode()
        step = time // 30
        assert matching_step(secret, expected, at, digits=8, digest=digest) == step
        assert matching_step(secret, expected, at, digits=8, digest=digest, window=0) == step
        wrong = f"{(int(expected) + 1) % 10**8:08d}"
        assert matching_step(secret, wrong, at, digits=8, digest=digest) is None


# RFC 4226 appendix D: HOTP values for counters 0..9 of the same SHA-1 seed, 6 digits.
RFC4226 = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
]


@pytest.mark.parametrize(("counter", "expected"), list(enumerate(RFC4226)))
def test_rfc4226_appendix_d(counter: int, expected: str) -> None:
    secret = base64.b32encode(SEEDS[hashlib.sha1]).decode()
    assert pyotp.HOTP(secret).at(counter) == expected
    # A TOTP step is an HOTP counter: step `counter` at its own time matches.
    at = datetime.fromtimestamp(counter * 30, UTC)
    assert matching_step(secret, expected, at, window=0) == counter


def test_window_is_one_step_either_side() -> None:
    secret = new_secret()
    now = datetime(2026, 11, 26, 12, 0, 15, tzinfo=UTC)
    step = int(now.timestamp()) // 30
    totp = pyotp.TOTP(secret)
    for offset, accepted in ((-2, False), (-1, True), (0, True), (1, True), (2, False)):
        code = totp.generate_otp(step + offset)
        assert (matching_step(secret, code, now) == step + offset) is accepted


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 345", "１２３４５６"])
def test_malformed_codes_never_match(code: str) -> None:
    assert matching_step(new_secret(), code, datetime.now(UTC)) is None


def test_secrets_are_random_160_bits() -> None:
    secrets_ = {new_secret() for _ in range(50)}
    assert len(secrets_) == 50
    assert all(len(base64.b32decode(s)) == 20 for s in secrets_)


def test_provisioning_uri_and_qr() -> None:
    secret = new_secret()
    uri = provisioning_uri(secret, "sato")
    assert uri.startswith("otpauth://totp/Privacy%20CRM:sato?") and f"secret={secret}" in uri
    svg = qr_svg(uri)
    assert svg.startswith("<svg") and "</svg>" in svg


def test_recovery_codes() -> None:
    codes = new_recovery_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", c) for c in codes)
    assert normalise_recovery_code(" abcd-efgh ") == "ABCD-EFGH"


def test_secret_box_seals_and_macs() -> None:
    box = SecretBox("k" * 40)
    sealed = box.seal("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in sealed and box.open(sealed) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(ValueError):
        SecretBox("x" * 40).open(sealed)  # another deployment's key cannot open it
    assert box.mac("A") == box.mac("A") != SecretBox("x" * 40).mac("A")
    with pytest.raises(ValueError):
        SecretBox("short")
