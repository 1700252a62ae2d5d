#!/usr/bin/env python3
"""Check an audit-log proof from files, without the CRM's code: Python's standard library and
the `cryptography` package only (for Ed25519). Short enough to read before trusting it.

    verify_audit_proof.py --key log.pub inclusion proof.json [--checkpoint kept.txt]
    verify_audit_proof.py --key log.pub consistency proof.json [--old-checkpoint kept.txt]

`log.pub` is the log's verifier key (`<name>+<key id hex>+<base64(0x01 || Ed25519 key)>`, served
at /audit/key). `proof.json` is the answer of the GraphQL query auditInclusionProof or
auditConsistencyProof (the whole response, or just the proof object). A checkpoint you kept
earlier replaces the one in the proof. Exit 0: verified; 1: not; 2: unusable input.

Hashing: RFC 9162 section 2.1 (leaf SHA-256(0x00 || record), node SHA-256(0x01 || l || r));
the inclusion check is section 2.1.3.2, the consistency check section 2.1.4.2. Checkpoints are
C2SP tlog-checkpoint bodies in C2SP signed notes (Ed25519).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Failed(Exception):
    pass


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def node(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def read_key(text: str) -> tuple[str, bytes, bytes]:
    name, key_id, encoded = text.strip().split("+", 2)  # base64 may hold "+"
    raw = base64.b64decode(encoded, validate=True)
    if len(raw) != 33 or raw[0] != 1:
        raise ValueError("not an Ed25519 verifier key")
    if sha256(name.encode() + b"\n" + raw)[:4].hex() != key_id:
        raise ValueError("the key id does not match the key")
    return name, bytes.fromhex(key_id), raw[1:]


def open_note(note: str, key: tuple[str, bytes, bytes]) -> tuple[int, bytes]:
    """(tree size, root hash) of a checkpoint signed by `key`."""
    name, key_id, public = key
    body, _, signatures = note.partition("\n\n")
    text = (body + "\n").encode()
    for line in signatures.splitlines():
        if not line.startswith("\u2014 "):
            continue
        signer, _, encoded = line[2:].rpartition(" ")
        raw = base64.b64decode(encoded)
        if signer != name or raw[:4] != key_id:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], text)
        except InvalidSignature:
            raise Failed("the checkpoint's signature does not verify") from None
        lines = body.split("\n")
        if lines[0] != name:
            raise Failed("the checkpoint names another log")
        return int(lines[1]), base64.b64decode(lines[2], validate=True)
    raise Failed("the checkpoint is not signed by this key")


def inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> bool:
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = node(p, r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn // 2, sn // 2
        else:
            r = node(r, p)
        fn, sn = fn // 2, sn // 2
    return sn == 0 and r == root


def consistency(m: int, n: int, proof: list[bytes], root1: bytes, root2: bytes) -> bool:
    if m > n:
        return False
    if m == n:
        return not proof and root1 == root2
    if m == 0:
        return not proof
    if m & (m - 1) == 0:
        proof = [root1, *proof]
    if not proof:
        return False
    fn, sn = m - 1, n - 1
    while fn % 2 == 1:
        fn, sn = fn // 2, sn // 2
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn // 2, sn // 2
        else:
            sr = node(sr, c)
        fn, sn = fn // 2, sn // 2
    return sn == 0 and fr == root1 and sr == root2


def load_proof(path: Path, field: str) -> dict[str, object]:
    document = json.loads(path.read_text(encoding="utf-8"))
    if "data" in document:
        document = document["data"][field]
    if not isinstance(document, dict):
        raise ValueError(f"no {field} in {path}")
    return document


def check_inclusion(args: argparse.Namespace, key: tuple[str, bytes, bytes]) -> str:
    proof = load_proof(args.proof, "auditInclusionProof")
    note = args.checkpoint.read_text(encoding="utf-8") if args.checkpoint else proof["checkpoint"]
    size, root = open_note(str(note), key)
    index, leaf = int(str(proof["leafIndex"])), bytes.fromhex(str(proof["leafHash"]))
    if proof.get("record") is not None:
        record = base64.b64decode(str(proof["record"]), validate=True)
        if sha256(b"\x00" + record) != leaf:
            raise Failed("the record does not hash to the leaf")
        if json.loads(record)["requestId"] != proof["auditRef"]:
            raise Failed("the record is not the one asked for")
    hashes = [bytes.fromhex(h) for h in proof["hashes"]]  # type: ignore[attr-defined]
    if not inclusion(index, size, leaf, hashes, root):
        raise Failed(f"leaf {index} is not proven in the tree of size {size}")
    return f"OK: audit record {proof['auditRef']} is leaf {index} of the signed tree of size {size}"


def check_consistency(args: argparse.Namespace, key: tuple[str, bytes, bytes]) -> str:
    proof = load_proof(args.proof, "auditConsistencyProof")
    old = args.old_checkpoint.read_text(encoding="utf-8") if args.old_checkpoint else None
    m, root1 = open_note(str(old or proof["fromCheckpoint"]), key)
    n, root2 = open_note(str(proof["toCheckpoint"]), key)
    hashes = [bytes.fromhex(h) for h in proof["hashes"]]  # type: ignore[attr-defined]
    if not consistency(m, n, hashes, root1, root2):
        raise Failed(f"the tree of size {n} does not extend the tree of size {m}")
    return f"OK: the signed tree of size {n} extends the signed tree of size {m}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--key", type=Path, required=True, help="the log's verifier key")
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("inclusion")
    one.add_argument("proof", type=Path)
    one.add_argument("--checkpoint", type=Path, help="a checkpoint you kept (else the proof's)")
    two = commands.add_parser("consistency")
    two.add_argument("proof", type=Path)
    two.add_argument("--old-checkpoint", type=Path, help="the older checkpoint you kept")
    args = parser.parse_args(argv)
    try:
        key = read_key(args.key.read_text(encoding="utf-8"))
        check = check_inclusion if args.command == "inclusion" else check_consistency
        print(check(args, key))
    except Failed as failure:
        print(f"FAILED: {failure}")
        return 1
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"UNUSABLE: {error}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
