"""Signed checkpoints and proofs of the audit log (RFC 9162), as the standalone verifier
(`scripts/verify_audit_proof.py`) reads them: hashes in hex, notes as signed."""

from __future__ import annotations

import base64
from datetime import datetime

import strawberry

from models import AuditCheckpoint
from tlog.proofs import Consistency, Inclusion


@strawberry.type(description="A signed tree head: C2SP tlog-checkpoint in a signed note.")
class SignedCheckpoint:
    tree_size: int
    root_hash: str = strawberry.field(description="SHA-256, hex.")
    at: datetime
    note: str = strawberry.field(description="The checkpoint exactly as signed (Ed25519).")

    @classmethod
    def from_model(cls, row: AuditCheckpoint) -> SignedCheckpoint:
        return cls(tree_size=row.tree_size, root_hash=row.root_hash, at=row.at, note=row.note)


@strawberry.type(description="Proof that an audit record is leaf `leafIndex` of a signed tree.")
class InclusionProof:
    audit_ref: str = strawberry.field(description="The receipt's auditRef (request id).")
    leaf_index: int
    tree_size: int
    leaf_hash: str = strawberry.field(description="SHA-256(0x00 || record), hex.")
    hashes: list[str] = strawberry.field(description="The RFC 9162 inclusion path, hex.")
    checkpoint: str = strawberry.field(description="The signed checkpoint of tree_size.")
    record: str | None = strawberry.field(
        description="The canonical record (base64) the leaf hashes; only for callers who may "
        "read every subject it names (auditors)."
    )

    @classmethod
    def of(cls, audit_ref: str, proof: Inclusion, *, whole_record: bool) -> InclusionProof:
        return cls(
            audit_ref=audit_ref,
            leaf_index=proof.leaf_index,
            tree_size=proof.checkpoint.tree_size,
            leaf_hash=proof.leaf_hash.hex(),
            hashes=[h.hex() for h in proof.hashes],
            checkpoint=proof.checkpoint.note,
            record=base64.b64encode(proof.record).decode() if whole_record else None,
        )


@strawberry.type(description="Proof that the tree of toSize extends the tree of fromSize.")
class ConsistencyProof:
    from_size: int
    to_size: int
    hashes: list[str] = strawberry.field(description="The RFC 9162 consistency proof, hex.")
    from_checkpoint: str
    to_checkpoint: str

    @classmethod
    def of(cls, proof: Consistency) -> ConsistencyProof:
        return cls(
            from_size=proof.old.tree_size,
            to_size=proof.new.tree_size,
            hashes=[h.hex() for h in proof.hashes],
            from_checkpoint=proof.old.note,
            to_checkpoint=proof.new.note,
        )
