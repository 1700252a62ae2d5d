"""Signed checkpoints of the audit log: C2SP tlog-checkpoint text in a C2SP signed note,
signed with Ed25519 (pure functions over plain values).

    <origin>\\n<tree size>\\n<base64 root hash>\\ntime <RFC 3339 UTC>\\n
    \\n
    — <key name> <base64(4-byte key id || 64-byte signature)>\\n

The key id is SHA-256(name || 0x0A || 0x01 || public key)[:4]. Keys are written as the Go
`golang.org/x/mod/sumdb/note` package writes them: `PRIVATE+KEY+<name>+<id hex>+<base64(0x01 ||
seed)>` for the signer, `<name>+<id hex>+<base64(0x01 || public key)>` for verifiers.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = b"\x01"
DASH = "\u2014 "  # an em dash and a space start a signature line
TIME_PREFIX = "time "


class CheckpointError(ValueError):
    """A note that does not parse, or whose signature does not verify."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    at: datetime

    def body(self) -> str:
        at = self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        root = base64.b64encode(self.root).decode()
        return f"{self.origin}\n{self.size}\n{root}\n{TIME_PREFIX}{at}\n"


@dataclass(frozen=True, slots=True)
class VerifierKey:
    name: str
    public: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public)

    def text(self) -> str:
        encoded = base64.b64encode(ED25519 + self.public).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            _public_key(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True, slots=True)
class SigningKey:
    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> SigningKey:
        private = Ed25519PrivateKey.generate()
        return cls(name, private.private_bytes_raw())

    @property
    def verifier(self) -> VerifierKey:
        public = _private_key(self.seed).public_key()
        return VerifierKey(self.name, public.public_bytes(Encoding.Raw, PublicFormat.Raw))

    def text(self) -> str:
        encoded = base64.b64encode(ED25519 + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{encoded}"

    def sign(self, checkpoint: Checkpoint) -> str:
        body = checkpoint.body()
        signature = _private_key(self.seed).sign(body.encode())
        line = base64.b64encode(_key_id_of(self) + signature).decode()
        return f"{body}\n{DASH}{self.name} {line}\n"


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public).digest()[:4]


# The sequencer signs and checks a note every few seconds (or per request in the benchmark):
# the key objects, and the outcome of checking a given note with a given key (a pure
# function of both), are kept rather than rebuilt each time.
@lru_cache(maxsize=8)
def _private_key(seed: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(seed)


@lru_cache(maxsize=8)
def _public_key(public: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(public)


@lru_cache(maxsize=8)
def _key_id_of(key: SigningKey) -> bytes:
    return key.verifier.key_id


def _key_parts(text: str, count: int) -> list[str]:
    parts = text.strip().split("+", count - 1)  # the base64 key may itself hold "+"
    if len(parts) != count or not parts[-3] or any(c.isspace() for c in parts[-3]):
        raise CheckpointError("malformed key")
    return parts


def _key_bytes(encoded: str) -> bytes:
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error as error:
        raise CheckpointError("malformed key") from error
    if len(raw) != 33 or raw[:1] != ED25519:
        raise CheckpointError("not an Ed25519 key")
    return raw[1:]


def parse_signing_key(text: str) -> SigningKey:
    parts = _key_parts(text, 5)
    if parts[:2] != ["PRIVATE", "KEY"]:
        raise CheckpointError("not a signing key")
    key = SigningKey(parts[2], _key_bytes(parts[4]))
    if key.verifier.key_id.hex() != parts[3]:
        raise CheckpointError("the key id does not match the key")
    return key


def parse_verifier_key(text: str) -> VerifierKey:
    name, id_hex, encoded = _key_parts(text, 3)
    key = VerifierKey(name, _key_bytes(encoded))
    if key.key_id.hex() != id_hex:
        raise CheckpointError("the key id does not match the key")
    return key


def open_checkpoint(note: str, key: VerifierKey) -> Checkpoint:
    """The checkpoint in `note` if `key` signed it; CheckpointError otherwise."""
    return _open_checkpoint(note, key)


@lru_cache(maxsize=16)  # a failure (an exception) is not kept: checked again next time
def _open_checkpoint(note: str, key: VerifierKey) -> Checkpoint:
    body, separator, signatures = note.partition("\n\n")
    if not separator or not body:
        raise CheckpointError("not a signed note")
    text = body + "\n"
    if not any(_signed_by(line, text, key) for line in signatures.splitlines()):
        raise CheckpointError("no valid signature by the log's key")
    return _parse_body(text)


def _signed_by(line: str, text: str, key: VerifierKey) -> bool:
    if not line.startswith(DASH):
        return False
    name, _, encoded = line[len(DASH) :].rpartition(" ")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        return False
    return name == key.name and raw[:4] == key.key_id and key.verify(text.encode(), raw[4:])


def _parse_body(text: str) -> Checkpoint:
    lines = text.split("\n")[:-1]
    if len(lines) < 4 or not lines[1].isdigit() or not lines[3].startswith(TIME_PREFIX):
        raise CheckpointError("not an audit checkpoint")
    try:
        root = base64.b64decode(lines[2], validate=True)
        at = datetime.strptime(lines[3][len(TIME_PREFIX) :], "%Y-%m-%dT%H:%M:%SZ")
    except (binascii.Error, ValueError) as error:
        raise CheckpointError("not an audit checkpoint") from error
    if len(root) != 32:
        raise CheckpointError("the root hash is not SHA-256")
    return Checkpoint(lines[0], int(lines[1]), root, at.replace(tzinfo=UTC))
