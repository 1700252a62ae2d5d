"""The Merkle tree hashing and proofs against Certificate Transparency's published vectors
(RFC 6962/9162 test data of google/certificate-transparency), and against each other for every
size up to 40: proofs from stored subtrees verify, and no proof proves another leaf."""

from __future__ import annotations

import pytest

from directives.merkle import (
    EMPTY_ROOT,
    Frontier,
    Node,
    consistency_proof,
    frontier_nodes,
    inclusion_proof,
    leaf_hash,
    node_hash,
    range_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    bytes.fromhex(h)
    for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f")
]  # fmt: skip
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = {
    0: ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
    5: ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
}  # fmt: skip
CONSISTENCY = {
    (1, 8): INCLUSION[0],
    (6, 8): ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
    (2, 5): ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"],
}  # fmt: skip
# A real CT log's proof (google/certificate-transparency python tests): leaf 848049 of 3630887.
CT_LEAF = "7a395c866d5ecdb0cccb623e011dbc392cd348d1d1d72776174e127a24b09c78"
CT_ROOT = "78316a05c9bcf14a3a4548f5b854a9adfcd46a4c034401b3ce7eb7ac2f1d0ecb"
CT_PATH = [
    "1a208aeebcd1b39fe2de247ee8db9454e1e93a312d206b87f6ca9cc6ec6f1ddd",
    "0a1b78b383f580856f433c01a5741e160d451c185910027f6cc9f828687a40c4",
    "3d1745789bc63f2da15850de1c12a5bf46ed81e1cc90f086148b1662e79aab3d",
    "9095b61e14d8990acf390905621e62b1714fb8e399fbb71de5510e0aef45affe",
    "0a332b91b8fab564e6afd1dd452449e04619b18accc0ff9aa8393cd4928451f2",
    "2336f0181d264aed6d8f3a6507ca14a8d3b3c3a23791ac263e845d208c1ee330",
    "b4ce56e300590500360c146c6452edbede25d4ed83919278749ee5dbe178e048",
    "933f6ddc848ea562e4f9c5cfb5f176941301dad0c6fdb9d1fbbe34fac1be6966",
    "b95a6222958a86f74c030be27c44f57dbe313e5e7c7f4ffb98bcbd3a03bb52f2",
    "daeeb3ce5923defd0faeb8e0c210b753b85b809445d7d3d3cd537a9aabaa9c45",
    "7fadd0a13e9138a2aa6c3fdec4e2275af233b94812784f66bcca9aa8e989f2bc",
    "1864e6ba3e32878610546539734fb5eeae2529991f130c575c73a7e25a2a7c56",
    "12842d1202b1dc6828a17ab253c02e7ce9409b5192430feba44189f39cc02d66",
    "29af64b16fa3053c13d02ac63aa75b23aa468506e44c3a2315edc85d2dc22b11",
    "b527b99934a0bd9edd154e449b0502e2c499bba783f3bc3dfe23364b6b532009",
    "4584db8ae8e351ace08e01f306378a92bfd43611714814f3d834a2842d69faa8",
    "86a9a41573b0d6e4292f01e93243d6cc65b30f06606fc6fa57390e7e90ed580f",
    "a88b98fbe84d4c6aae8db9d1605dfac059d9f03fe0fcb0d5dff1295dacba09e6",
    "06326dc617a6d1f7021dc536026dbfd5fffc6f7c5531d48ef6ccd1ed1569f2a1",
    "f41fe8fdc3a2e4e8345e30216e7ebecffee26ff266eeced208a6c2a3cf08f960",
    "40cf5bde8abb76983f3e98ba97aa36240402975674e120f234b3448911090f8d",
    "b3222dc8658538079883d980d7fdc2bef9285344ea34338968f736b04aeb387a",
]


def stored(hashes: list[bytes]) -> dict[Node, bytes]:
    """The complete subtrees, as the sequencer stores them while appending."""
    nodes, frontier = {}, Frontier()
    for index, hash_ in enumerate(hashes):
        nodes[Node(0, index)] = hash_
        for level, closed in enumerate(frontier.append(hash_), 1):
            nodes[Node(level, index >> level)] = closed
    return nodes


HASHES = [leaf_hash(leaf) for leaf in LEAVES]
TREE = stored(HASHES)


def test_hashes_are_prefixed_sha256() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert leaf_hash(b"").hex() == ROOTS[0]
    left = bytes.fromhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
    right = bytes.fromhex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f")
    assert node_hash(left, right).hex() == (
        "1a378704c17da31e2d05b6d121c2bb2c7d76f6ee6fa8f983e596c2d034963c57"
    )


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_vectors(size: int) -> None:
    assert root(HASHES[:size]).hex() == ROOTS[size - 1]
    assert range_hash(0, size, TREE.__getitem__).hex() == ROOTS[size - 1]


@pytest.mark.parametrize("index", sorted(INCLUSION))
def test_inclusion_proofs_match_the_vectors(index: int) -> None:
    proof = inclusion_proof(index, 8, TREE.__getitem__)
    assert [p.hex() for p in proof] == INCLUSION[index]
    assert verify_inclusion(HASHES[index], index, 8, proof, bytes.fromhex(ROOTS[7]))


@pytest.mark.parametrize(("old", "new"), sorted(CONSISTENCY))
def test_consistency_proofs_match_the_vectors(old: int, new: int) -> None:
    proof = consistency_proof(old, new, TREE.__getitem__)
    assert [p.hex() for p in proof] == CONSISTENCY[(old, new)]
    roots = bytes.fromhex(ROOTS[old - 1]), bytes.fromhex(ROOTS[new - 1])
    assert verify_consistency(old, new, proof, *roots)
    assert not verify_consistency(old, new, proof[:-1], *roots)
    assert not verify_consistency(old, new, proof, roots[1], roots[0])


def test_a_real_logs_inclusion_proof_verifies() -> None:
    path = [bytes.fromhex(h) for h in CT_PATH]
    args = (bytes.fromhex(CT_LEAF), 848049, 3630887)
    assert verify_inclusion(*args, path, bytes.fromhex(CT_ROOT))
    assert not verify_inclusion(*args, path[:-1], bytes.fromhex(CT_ROOT))
    assert not verify_inclusion(
        bytes.fromhex(CT_LEAF), 848050, 3630887, path, bytes.fromhex(CT_ROOT)
    )


@pytest.mark.parametrize("size", range(1, 41))
def test_every_proof_verifies_and_proves_nothing_else(size: int) -> None:
    hashes = [leaf_hash(bytes([n])) for n in range(size)]
    tree, top = stored(hashes), root(hashes)
    frontier = Frontier()
    for hash_ in hashes:
        frontier.append(hash_)
    assert frontier.root() == top
    assert Frontier(size, [tree[n] for n in frontier_nodes(size)]).root() == top
    for index in range(size):
        proof = inclusion_proof(index, size, tree.__getitem__)
        assert verify_inclusion(hashes[index], index, size, proof, top)
        other = (index + 1) % size
        assert size == 1 or not verify_inclusion(hashes[other], index, size, proof, top)
    for old in range(size + 1):
        proof = consistency_proof(old, size, tree.__getitem__)
        assert verify_consistency(old, size, proof, root(hashes[:old]), top)
        if 0 < old < size:
            assert not verify_consistency(old, size, proof, root([*hashes[: old - 1], top]), top)
