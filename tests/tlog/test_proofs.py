"""Proofs through the schema, checked by the standalone verifier script (stdlib and
`cryptography` only): a receipt's auditRef is proven in a signed checkpoint, a later checkpoint
is proven to extend an earlier one, and a changed byte anywhere makes the check fail. Customers
get proofs for their own records only, without the other subjects' entries."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from directives.checkpoint import SigningKey
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry, Contact
from tests.conftest import World, run
from tlog.files import LogFiles
from tlog.sequencer import Sequencer

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_audit_proof.py"
SUPPORT_READ = "query @purpose(code: C) { customers { nodes { name phone } } }"
OWN_READ = "{ customers { nodes { name phone } } }"
INCLUSION = """query ($ref: String!, $size: Int) {
  auditInclusionProof(auditRef: $ref, treeSize: $size) {
    auditRef leafIndex treeSize leafHash hashes checkpoint record } }"""
CONSISTENCY = """query ($from: Int!) { auditConsistencyProof(fromSize: $from) {
  fromSize toSize hashes fromCheckpoint toCheckpoint } }"""
CHECKPOINT = "{ auditCheckpoint { treeSize rootHash note } }"


@dataclass
class Setup:
    schema: PrivacySchema
    world: World
    sequencer: Sequencer
    key_file: Path
    tmp: Path

    async def ask(self, role: Role, query: str, **variables: Any) -> dict[str, Any]:
        result, _ = await run(self.schema, query, self.world.caller(role), variables=variables)
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data

    async def receipt(self, role: Role, query: str) -> str:
        result, context = await run(self.schema, query, self.world.caller(role))
        assert result.errors is None and context.audit.written
        return context.request_id

    def check(
        self, kind: str, document: dict[str, Any], *extra: str
    ) -> subprocess.CompletedProcess[str]:
        proof = self.tmp / f"{kind}.json"
        proof.write_text(json.dumps(document))
        return subprocess.run(
            [sys.executable, str(SCRIPT), "--key", str(self.key_file), kind, str(proof), *extra],
            capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip


@pytest.fixture
async def setup(schema: PrivacySchema, world: World, tmp_path: Path) -> Setup:
    key = SigningKey.generate("test.example/audit")
    key_file = tmp_path / "log.pub"
    key_file.write_text(key.verifier.text() + "\n")
    return Setup(schema, world, Sequencer(key, LogFiles(tmp_path / "data")), key_file, tmp_path)


def flip(hex_text: str, at: int = 0) -> str:
    """The same string with one hex digit changed."""
    digit = "0" if hex_text[at] != "0" else "1"
    return hex_text[:at] + digit + hex_text[at + 1 :]


async def test_a_receipt_is_proven_and_any_changed_byte_fails(setup: Setup) -> None:
    refs = [await setup.receipt(Role.SUPPORT, SUPPORT_READ) for _ in range(5)]
    await setup.sequencer.run()
    data = await setup.ask(Role.AUDITOR, INCLUSION, ref=refs[2])
    proof = data["auditInclusionProof"]
    assert (proof["auditRef"], proof["leafIndex"], proof["treeSize"]) == (refs[2], 2, 5)
    checked = setup.check("inclusion", {"data": data})
    assert checked.returncode == 0, checked.stdout
    assert f"audit record {refs[2]} is leaf 2" in checked.stdout
    forged = [
        {**proof, "hashes": [flip(proof["hashes"][0]), *proof["hashes"][1:]]},
        {**proof, "leafHash": flip(proof["leafHash"], 63)},
        {**proof, "leafIndex": 3},
        {**proof, "record": None, "leafHash": flip(proof["leafHash"])},
        {**proof, "checkpoint": proof["checkpoint"].replace("\n5\n", "\n6\n")},
        {**proof, "auditRef": refs[3]},
    ]
    for document in forged:
        assert setup.check("inclusion", document).returncode == 1, document


async def test_a_changed_record_fails(setup: Setup) -> None:
    import base64

    ref = await setup.receipt(Role.SUPPORT, SUPPORT_READ)
    await setup.sequencer.run()
    proof = (await setup.ask(Role.AUDITOR, INCLUSION, ref=ref))["auditInclusionProof"]
    record = base64.b64decode(proof["record"]).replace(b'"purpose":"C"', b'"purpose":"D"')
    forged = {**proof, "record": base64.b64encode(record).decode()}
    assert setup.check("inclusion", proof).returncode == 0
    assert setup.check("inclusion", forged).returncode == 1


async def test_a_later_checkpoint_extends_a_kept_one(setup: Setup) -> None:
    for _ in range(3):
        await setup.receipt(Role.SUPPORT, SUPPORT_READ)
    await setup.sequencer.run()
    kept = (await setup.ask(Role.CUSTOMER, CHECKPOINT))["auditCheckpoint"]
    kept_file = setup.tmp / "kept.txt"
    kept_file.write_text(kept["note"])
    for _ in range(4):
        await setup.receipt(Role.SUPPORT, SUPPORT_READ)
    await setup.sequencer.run()
    data = await setup.ask(Role.AUDITOR, CONSISTENCY, **{"from": kept["treeSize"]})
    proof = data["auditConsistencyProof"]
    assert (proof["fromSize"], proof["toSize"]) == (3, 7)
    checked = setup.check("consistency", {"data": data}, "--old-checkpoint", str(kept_file))
    assert checked.returncode == 0, checked.stdout
    assert "size 7 extends the signed tree of size 3" in checked.stdout
    for n in range(len(proof["hashes"])):
        hashes = [flip(h) if i == n else h for i, h in enumerate(proof["hashes"])]
        assert setup.check("consistency", {**proof, "hashes": hashes}).returncode == 1
    origin, size, root, rest = kept["note"].split("\n", 3)
    other_root = root[:-2] + ("A=" if root[-2] != "A" else "E=")  # another 32-byte root
    kept_file.write_text("\n".join((origin, size, other_root, rest)))
    assert setup.check("consistency", proof, "--old-checkpoint", str(kept_file)).returncode == 1


async def test_customers_prove_their_own_records_only(setup: Setup) -> None:
    own = await setup.receipt(Role.CUSTOMER, OWN_READ)
    about_them = await setup.receipt(Role.SUPPORT, SUPPORT_READ)  # reads customer 0 among others
    other_id = setup.world.customers[3].id
    not_theirs = await setup.receipt(
        Role.SUPPORT, f'query @purpose(code: C) {{ customer(id: "{other_id}") {{ name }} }}'
    )
    await setup.sequencer.run()
    for ref in (own, about_them):
        proof = (await setup.ask(Role.CUSTOMER, INCLUSION, ref=ref))["auditInclusionProof"]
        assert proof["record"] is None  # other subjects' entries are not theirs to see
        assert setup.check("inclusion", proof).returncode == 0
    result, _ = await run(
        setup.schema, INCLUSION, setup.world.caller(Role.CUSTOMER), variables={"ref": not_theirs}
    )
    assert result.data is None and result.errors
    assert result.errors[0].extensions == {"code": "NOT_FOUND"}


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.AUDITOR, Role.CUSTOMER)])
async def test_other_roles_get_no_proofs(setup: Setup, role: Role) -> None:
    ref = await setup.receipt(Role.SUPPORT, SUPPORT_READ)
    await setup.sequencer.run()
    for query, variables in ((INCLUSION, {"ref": ref}), (CHECKPOINT, {})):
        result, _ = await run(setup.schema, query, setup.world.caller(role), variables=variables)
        assert result.data is None and result.errors
        assert result.errors[0].extensions == {"code": "FORBIDDEN"}


async def test_not_yet_sequenced_is_said_so(setup: Setup) -> None:
    await setup.receipt(Role.SUPPORT, SUPPORT_READ)
    await setup.sequencer.run()
    ref = await setup.receipt(Role.SUPPORT, SUPPORT_READ)
    result, _ = await run(
        setup.schema, INCLUSION, setup.world.caller(Role.AUDITOR), variables={"ref": ref}
    )
    assert result.data is None and result.errors
    assert result.errors[0].extensions == {"code": "PROOF_UNAVAILABLE"}


def test_the_standalone_verifier_imports_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(SCRIPT.read_text())
    roots = {
        (node.module or "" if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }  # fmt: skip
    assert roots - set(sys.stdlib_module_names) == {"cryptography"}


async def test_customers_prove_reads_of_their_contacts_not_of_others_contacts(
    setup: Setup,
) -> None:
    """The proof scope is the access history's: entries about the customer's own contacts
    (P7.2) are its own; those about another customer's contacts are not."""
    mine, other = setup.world.customers[0], setup.world.customers[3]
    await Contact.create(customer=mine, name="経理 担当", phone="03-1111-2222")
    await Contact.create(customer=other, name="他社 員", phone="03-3333-4444")
    read = 'query @purpose(code: C) {{ customer(id: "{}") {{ contacts {{ name phone }} }} }}'
    contact_only = await setup.receipt(Role.SUPPORT, read.format(mine.id))
    others = await setup.receipt(Role.SUPPORT, read.format(other.id))
    # The first request has entries about the contact: the customer's own record is not read
    # (contacts resolve without a personal field of the holder).
    entries = await AuditEntry.filter(request__request_id=contact_only)
    assert {e.subject_type for e in entries} == {"Contact"}
    await setup.sequencer.run()
    proof = (await setup.ask(Role.CUSTOMER, INCLUSION, ref=contact_only))["auditInclusionProof"]
    assert proof["record"] is None
    assert setup.check("inclusion", proof).returncode == 0
    result, _ = await run(
        setup.schema, INCLUSION, setup.world.caller(Role.CUSTOMER), variables={"ref": others}
    )
    assert result.data is None and result.errors
    assert result.errors[0].extensions == {"code": "NOT_FOUND"}
