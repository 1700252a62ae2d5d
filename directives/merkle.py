"""Merkle tree hashing and proofs of RFC 9162 (Certificate Transparency 2.0, section 2.1),
the same tree as RFC 6962: leaf hash SHA-256(0x00 || leaf), node hash SHA-256(0x01 || left ||
right). Pure functions; checked against the Certificate Transparency test vectors.

A tree is stored as the hashes of its complete (perfect, aligned) subtrees, addressed by
`Node(level, position)`: the subtree of 2**level leaves from leaf position * 2**level. Every
hash of a range the RFC's proofs need is built from those (`range_hash`), so proofs are
computed from O(log n) stored hashes, never by rehashing the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import NamedTuple

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


class Node(NamedTuple):
    level: int
    position: int  # the subtree's place among those of its level, from the left


NodeGetter = Callable[[Node], bytes]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of the leaves (by their leaf hashes), by the frontier: O(n)."""
    frontier = Frontier()
    for hash_ in leaf_hashes:
        frontier.append(hash_)
    return frontier.root()


class Frontier:
    """The right edge of a tree: one hash per set bit of its size, largest subtree first.
    Appending a leaf costs O(log n) and yields the complete subtrees it closes."""

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != size.bit_count():
            raise ValueError("a frontier holds one hash per set bit of the tree size")
        self.size, self.hashes = size, list(hashes)

    def append(self, leaf: bytes) -> list[bytes]:
        """Add a leaf hash; return the hashes of the subtrees it closes, level 1 upwards."""
        closed: list[bytes] = []
        current, index = leaf, self.size
        while index & 1:
            current = node_hash(self.hashes.pop(), current)
            closed.append(current)
            index >>= 1
        self.hashes.append(current)
        self.size += 1
        return closed

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        current = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            current = node_hash(left, current)
        return current


def frontier_nodes(size: int) -> list[Node]:
    """The complete subtrees that make up a tree of `size` leaves, left to right."""
    nodes, start = [], 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            nodes.append(Node(level, start >> level))
            start += 1 << level
    return nodes


def last_leaf(node: Node) -> int:
    """The index of the leaf whose append closes `node` (where the sequencer stores it)."""
    return ((node.position + 1) << node.level) - 1


def range_hash(start: int, end: int, get: NodeGetter) -> bytes:
    """MTH(D[start:end]) for a range the RFC's recursion produces (start aligned to the
    smallest power of two >= end - start)."""
    size = end - start
    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        return get(Node(level, start >> level))
    k = _split(size)
    return node_hash(range_hash(start, start + k, get), range_hash(start + k, end, get))


def inclusion_proof(index: int, size: int, get: NodeGetter) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 section 2.1.3.1."""
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")
    return _path(index, 0, size, get)


def _path(m: int, start: int, end: int, get: NodeGetter) -> list[bytes]:
    size = end - start
    if size == 1:
        return []
    k = _split(size)
    if m < k:
        return [*_path(m, start, start + k, get), range_hash(start + k, end, get)]
    return [*_path(m - k, start + k, end, get), range_hash(start, start + k, get)]


def consistency_proof(old: int, new: int, get: NodeGetter) -> list[bytes]:
    """PROOF(old, D[0:new]) of RFC 9162 section 2.1.4.1 (empty when old is 0 or new)."""
    if not 0 <= old <= new:
        raise ValueError("the old tree must not be larger than the new one")
    if old in (0, new):
        return []
    return _subproof(old, 0, new, True, get)


def _subproof(m: int, start: int, end: int, whole: bool, get: NodeGetter) -> list[bytes]:
    size = end - start
    if m == size:
        return [] if whole else [range_hash(start, end, get)]
    k = _split(size)
    if m <= k:
        return [*_subproof(m, start, start + k, whole, get), range_hash(start + k, end, get)]
    return [*_subproof(m - k, start + k, end, False, get), range_hash(start, start + k, get)]


def needed_nodes(plan: Callable[[NodeGetter], object]) -> set[Node]:
    """The stored subtrees a proof (or range hash) reads: run it once with a recording getter."""
    wanted: set[Node] = set()

    def record(node: Node) -> bytes:
        wanted.add(node)
        return EMPTY_ROOT

    plan(record)
    return wanted


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root_: bytes
) -> bool:
    """RFC 9162 section 2.1.3.2, with `leaf` the leaf hash."""
    if not 0 <= index < size:
        return False
    fn, sn, current = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            current = node_hash(p, current)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            current = node_hash(current, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and current == root_


def verify_consistency(
    old: int, new: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> bool:
    """RFC 9162 section 2.1.4.2."""
    if not 0 <= old <= new:
        return False
    if old == new:
        return not proof and old_root == new_root
    if old == 0:
        return not proof
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root
