"""Inclusion and consistency proofs from the stored tree: O(log n) stored subtrees each,
against checkpoints the sequencer signed."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.connection import get_connection

from directives.merkle import consistency_proof, inclusion_proof, needed_nodes
from models import AuditCheckpoint, AuditLeaf, AuditRequest
from tlog import store


class ProofUnavailable(LookupError):
    """No checkpoint of that size, or the record is not sequenced (yet) in it."""


@dataclass(frozen=True, slots=True)
class Inclusion:
    leaf_index: int
    checkpoint: AuditCheckpoint
    leaf_hash: bytes
    hashes: list[bytes]
    record: bytes  # the canonical record the leaf hashes


@dataclass(frozen=True, slots=True)
class Consistency:
    old: AuditCheckpoint
    new: AuditCheckpoint
    hashes: list[bytes]


async def checkpoint(size: int | None) -> AuditCheckpoint:
    """The checkpoint of that tree size, or the latest."""
    conn = get_connection("default")
    found = await (
        store.latest_checkpoint(conn) if size is None else store.checkpoint_at(conn, size)
    )
    if found is None:
        raise ProofUnavailable("No signed checkpoint of that size.")
    return found


async def inclusion(request: AuditRequest, size: int | None) -> Inclusion:
    conn = get_connection("default")
    leaf = await AuditLeaf.get_or_none(request_id=request.id)
    signed = await checkpoint(size)
    if leaf is None or leaf.seq >= signed.tree_size:
        raise ProofUnavailable("The record is not in that checkpoint yet; ask again in a moment.")
    wanted = needed_nodes(lambda get: inclusion_proof(leaf.seq, signed.tree_size, get))
    found = await store.nodes(conn, wanted)
    record = (await store.records(conn, [request.id]))[request.id]
    return Inclusion(
        leaf_index=leaf.seq,
        checkpoint=signed,
        leaf_hash=bytes.fromhex(leaf.leaf_hash),
        hashes=inclusion_proof(leaf.seq, signed.tree_size, found.__getitem__),
        record=record.canonical(),
    )


async def consistency(old_size: int, new_size: int | None) -> Consistency:
    old, new = await checkpoint(old_size), await checkpoint(new_size)
    if old.tree_size > new.tree_size:
        raise ProofUnavailable("The first checkpoint must not be larger than the second.")
    sizes = (old.tree_size, new.tree_size)
    found = await store.nodes(
        get_connection("default"), needed_nodes(lambda get: consistency_proof(*sizes, get))
    )
    return Consistency(old, new, consistency_proof(*sizes, found.__getitem__))
