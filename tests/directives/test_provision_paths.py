"""Every provision to a third party is recorded with its use (APPI art. 29, P3.1): a path
that opens a provision and does not give it fails closed; provision records are written by
`directives.provision` alone, which writes the audit entry with them; and a use marked
PROVIDE cannot be recorded without its ground. The code test reads every module, so the next
path is held to it as well as today's four (partner reads, manifests, disclosures,
transfers)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import strawberry

from directives.audit import AuditBuffer
from directives.operations import ALL_ROLES, RowScope, op
from directives.privacy_schema import PrivacySchema
from directives.usage import Use, uses
from directives.vocabulary import Role
from models import AuditRequest, ProvisionRecord
from models.third_parties import Ground
from resolvers.query_by import provided
from schema.context import Info
from tests.conftest import World, code_of, run

ROOT = Path(__file__).resolve().parents[2]
OWNER = Path("directives/provision.py")
# Writing to the table, or building a row of it, anywhere else is a provision path of its own.
WRITES = {"create", "bulk_create", "get_or_create", "update_or_create", "save"}


PRIVATE = {"record", "_save", "seed"}  # demo data may seed past records: `record`, `seed`


def _violations(source: str, path: Path) -> list[str]:
    """Calls that write provision records other than through `directives.provision`."""
    demo = path.parts[0] == "demo"
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.lower()
            if "provision_record" in text and "insert" in text:
                found.append(f"{path}:{node.lineno} raw INSERT")
        if isinstance(node, ast.ImportFrom) and node.module == "directives.provision":
            names = {alias.name for alias in node.names} & PRIVATE
            found += [f"{path}:{node.lineno} imports {n}" for n in sorted(names)]
        if not isinstance(node, ast.Call):
            continue
        func, name = node.func, ast.unparse(node.func)
        if name == "ProvisionRecord" or (
            isinstance(func, ast.Attribute)
            and func.attr in WRITES
            and ast.unparse(func.value).endswith("ProvisionRecord")
        ):
            found.append(f"{path}:{node.lineno} {name}")
        allowed = {"provision.record", "provision.seed"} if demo else set()
        if name in {f"provision.{n}" for n in PRIVATE} - allowed:
            found.append(f"{path}:{node.lineno} {name}")
    return found


def _modules() -> list[Path]:
    skip = {".venv", "tests", "web", "node_modules", "migrations"}
    return [
        p.relative_to(ROOT) for p in ROOT.rglob("*.py") if not skip & set(p.relative_to(ROOT).parts)
    ]


def test_provision_records_are_written_by_the_provision_module_alone() -> None:
    modules = _modules()
    assert OWNER in modules and len(modules) > 50
    found = [v for p in modules if p != OWNER for v in _violations((ROOT / p).read_text(), p)]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "await ProvisionRecord.create(customer_id=1)",
        "await ProvisionRecord.bulk_create(rows)",
        "rows = [ProvisionRecord(customer_id=1)]",
        "await models.ProvisionRecord.get_or_create(id=1)",
        "await provision._save(rows)",
        "await provision.seed(rows)",
        "rows = [provision.record(at=now)]",
        "from directives.provision import record",
        'await conn.execute_query("INSERT INTO provision_record VALUES (1)")',
    ],
)
def test_the_code_check_can_fail(source: str) -> None:
    code = f"async def new_path():\n    {source}\n"
    assert _violations(code, Path("resolvers/new_path.py"))


@strawberry.type
class Forgetful:
    @strawberry.mutation
    async def hand_over(self, info: Info) -> int:
        provided(info, recipient="某社", provider_id=None, ground=Ground.CONSENT, fields=["name"])
        return 1  # opened a provision, never gave it: no record, no audit entry


@strawberry.type
class Nothing:
    @strawberry.field
    def ok(self) -> int:
        return 1


async def test_a_provision_never_given_fails_the_operation_closed(world: World) -> None:
    schema = PrivacySchema(
        query=Nothing,
        mutation=Forgetful,
        operations={"ok": op(ALL_ROLES, RowScope.NONE), "handOver": op(ALL_ROLES, RowScope.PEOPLE)},
    )
    result, _ = await run(schema, "mutation { handOver }", world.caller(Role.ADMIN))
    assert result.data is None
    assert [code_of(e) for e in result.errors or []] == ["AUDIT_UNAVAILABLE"]
    assert await AuditRequest.all().count() == 0
    assert await ProvisionRecord.all().count() == 0


def test_a_provision_is_recorded_with_its_ground_and_only_a_provision() -> None:
    buffer = AuditBuffer()
    with pytest.raises(ValueError, match="ground"):
        uses(buffer, "Customer", "Customer", {"name": Use.PROVIDE})
    with pytest.raises(ValueError, match="ground"):
        uses(buffer, "Customer", "Customer", {"name": Use.COPY}, {"#ground": "CONSENT"})
    assert buffer.pending_uses == 0
