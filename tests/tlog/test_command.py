"""`python server.py verify-audit`: the same data directory and DATABASE_URL as the server, a
progress bar, each finding named on its own line, exit 0 when clean and 1 when not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tortoise.connection import get_connection
from tortoise.context import TortoiseContext

from server import Settings
from tests.conftest import PG_URL, _with_database
from tests.tlog.attacker import drop_triggers, sql, write_record
from tlog.files import LogFiles
from tlog.sequencer import Sequencer

ROOT = Path(__file__).resolve().parents[2]
REFS = [f"00000000-0000-4000-8000-00000000010{n}" for n in range(4)]


def verify_audit(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
    env.pop("DATABASE_URL", None)
    if PG_URL:
        name: str = get_connection("default").database  # type: ignore[attr-defined]
        env["DATABASE_URL"] = _with_database(PG_URL, name)
    command = [sys.executable, str(ROOT / "server.py"), "verify-audit", "--data-dir", str(data_dir)]
    return subprocess.run(
        [*command, *args],
        capture_output=True, text=True, check=False, timeout=120, env=env, cwd=ROOT,
    )  # fmt: skip


async def test_clean_then_tampered(db: TortoiseContext, tmp_path: Path) -> None:
    # The db fixture's SQLite file is tmp_path/crm.sqlite3: the data directory's default.
    key = Settings(data_dir=tmp_path, database_url="").audit_key()  # the development key
    sequencer = Sequencer(key, LogFiles(tmp_path))
    for ref in REFS:
        await write_record(ref)
    await sequencer.run()

    clean = verify_audit(tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.startswith("OK: 4 records")
    assert "verifying [" in clean.stderr

    await drop_triggers()
    await sql(f'UPDATE "audit_request" SET "purpose" = \'A\' WHERE "request_id" = \'{REFS[1]}\'')
    tampered = verify_audit(tmp_path)
    assert tampered.returncode == 1
    lines = tampered.stdout.splitlines()
    assert f"ALTERED seq=1 request={REFS[1]}: the record no longer hashes to its leaf" in lines
    assert lines[-1].startswith("FAILED: 4 records")


async def test_an_outside_auditor_verifies_with_the_public_key_only(
    db: TortoiseContext, tmp_path: Path
) -> None:
    key = Settings(data_dir=tmp_path / "server", database_url="").audit_key()
    sequencer = Sequencer(key, LogFiles(tmp_path))
    await write_record(REFS[0])
    await sequencer.run()
    public = tmp_path / "log.pub"
    public.write_text(key.verifier.text())
    assert verify_audit(tmp_path, "--verifier-key", str(public)).returncode == 0
    wrong = Settings(data_dir=tmp_path / "other", database_url="").audit_key()
    public.write_text(wrong.verifier.text())
    assert verify_audit(tmp_path, "--verifier-key", str(public)).returncode == 1
