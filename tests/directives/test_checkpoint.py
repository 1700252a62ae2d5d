"""Signed checkpoints: C2SP tlog-checkpoint bodies in C2SP signed notes (Ed25519), keys in the
note package's text form; any change to the note, a wrong key or a foreign name fails."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from directives.checkpoint import (
    Checkpoint,
    CheckpointError,
    SigningKey,
    key_id,
    open_checkpoint,
    parse_signing_key,
    parse_verifier_key,
)

AT = datetime(2026, 12, 2, 1, 2, 3, tzinfo=UTC)
ROOT = bytes(range(32))


def test_a_checkpoint_note_is_in_the_c2sp_format() -> None:
    key = SigningKey.generate("example.com/audit")
    note = key.sign(Checkpoint("example.com/audit", 20852163, ROOT, AT))
    body, signature = note.split("\n\n")
    root = base64.b64encode(ROOT).decode()
    assert body.split("\n") == ["example.com/audit", "20852163", root, "time 2026-12-02T01:02:03Z"]
    name, encoded = signature.removeprefix("\u2014 ").rstrip("\n").split(" ")
    raw = base64.b64decode(encoded)
    assert name == "example.com/audit" and len(raw) == 4 + 64
    assert raw[:4] == key_id(key.name, key.verifier.public)
    assert open_checkpoint(note, key.verifier) == Checkpoint(
        "example.com/audit", 20852163, ROOT, AT
    )


def test_keys_round_trip_through_their_text() -> None:
    key = SigningKey.generate("example.com/audit")
    assert key.text().startswith("PRIVATE+KEY+example.com/audit+")
    assert parse_signing_key(key.text()) == key
    assert parse_verifier_key(key.verifier.text()) == key.verifier
    with pytest.raises(CheckpointError):
        parse_verifier_key(key.verifier.text().replace("+", "+0", 1))  # wrong key id


def test_any_change_or_another_key_fails() -> None:
    key = SigningKey.generate("example.com/audit")
    note = key.sign(Checkpoint("example.com/audit", 7, ROOT, AT))
    for changed in (
        note.replace("\n7\n", "\n8\n"),
        note.replace("time 2026", "time 2025"),
        note.replace("example.com/audit\n", "example.com/other\n", 1),
        note.split("\n\n")[0] + "\n\n",
    ):
        with pytest.raises(CheckpointError):
            open_checkpoint(changed, key.verifier)
    with pytest.raises(CheckpointError):
        open_checkpoint(note, SigningKey.generate("example.com/audit").verifier)
