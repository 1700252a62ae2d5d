"""Issue 8 §7: nothing personal in side tables or file modes. The throttle keeps a login ID
only as a keyed hash (old clear rows are cleared by migration 0008), and the data directory
and the SQLite files are readable by the server's user only."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tortoise.backends.sqlite.client import SqliteClient
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from auth import service
from auth.attempt import Attempt, AuthConfig
from auth.secrets_box import SecretBox
from auth.throttle import login_key
from directives.errors import PrivacyError
from models import LoginThrottle, SecurityEvent
from models.db import apply_migrations, tortoise_config
from models.sqlite_thread import run_in_sqlite_thread
from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]
CONFIG = AuthConfig(box=SecretBox("a test deployment secret, 32+ characters"))
# What people type into the login field by mistake: passwords, e-mail addresses, names.
TYPED = ["Tr0ub4dor&3-my-password", "hanako@mail.example", "鈴木花子", "  Sato.Taro  "]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def _side_table_text() -> str:
    rows = [*await LoginThrottle.all().values(), *await SecurityEvent.all().values()]
    return repr(rows).casefold()


async def test_mistyped_login_ids_are_never_stored(db: TortoiseContext) -> None:
    for n, typed in enumerate(TYPED):
        attempt = Attempt(config=CONFIG, client_address=f"192.0.2.{n}", now=datetime.now(UTC))
        with pytest.raises(PrivacyError):
            await service.login(attempt, login_id=typed, password="wrong!", browser=False)
    stored = await _side_table_text()
    for typed in TYPED:
        assert typed.strip().casefold() not in stored
    keys: list[str] = await LoginThrottle.filter(key__startswith="login:").values_list(  # type: ignore[assignment]
        "key", flat=True
    )
    assert len(keys) == len(TYPED)  # still counted, one key per ID
    other = SecretBox("another deployment's secret, 32+ characters")
    assert set(keys) == {login_key(CONFIG.box, t) for t in TYPED}
    assert not set(keys) & {login_key(other, t) for t in TYPED}  # keyed, not a plain hash
    assert login_key(CONFIG.box, " SATO.taro ") == login_key(CONFIG.box, "sato.taro")


@pytest.mark.sqlite_only
async def test_migration_clears_login_ids_kept_in_clear(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'old.sqlite3'}"
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        executor = MigrationExecutor(get_connection("default"), tortoise_config("")["apps"])
        await executor.migrate([MigrationTarget(app_label="models", name="0005_api_token_expiry")])
        now = datetime.now(UTC)
        await LoginThrottle.create(key="login:my-secret-password", failures=2, updated_at=now)
        await LoginThrottle.create(key="addr:192.0.2.1", failures=2, updated_at=now)
        await apply_migrations()
        keys: list[str] = await LoginThrottle.all().values_list("key", flat=True)  # type: ignore[assignment]
        assert keys == ["addr:192.0.2.1"]


# The server on SQLite, in its own process: Tortoise keeps per-model state from the first
# database it was initialised with, and the PostgreSQL pass of the suite runs in this one.
SERVE = """
import asyncio, json, stat, sys, uuid
from datetime import UTC, datetime
from pathlib import Path
from models import LoginThrottle
from server import Settings, create_app

async def main(data_dir):
    settings = Settings(data_dir=data_dir, database_url=f"sqlite://{data_dir / 'crm.sqlite3'}")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        # A write, so that the -wal and -shm files exist (SQLite removes them at close).
        now = datetime.now(UTC)
        await LoginThrottle.create(key=f"addr:{uuid.uuid4()}", failures=0, updated_at=now)
        print(json.dumps({f.name: stat.S_IMODE(f.stat().st_mode) for f in data_dir.iterdir()}))

asyncio.run(main(Path(sys.argv[1])))
"""


async def _start(data_dir: Path) -> dict[str, int]:
    """The data directory's files and their modes while the server runs."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SERVE, str(data_dir), cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    modes: dict[str, int] = json.loads(out.decode().strip().splitlines()[-1])
    return modes


@pytest.mark.sqlite_only
async def test_data_directory_and_database_files_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    modes = await _start(data_dir)
    assert _mode(data_dir) == 0o700
    assert {"crm.sqlite3", "crm.sqlite3-wal", "crm.sqlite3-shm", "secret.key"} <= modes.keys()
    assert {name: mode for name, mode in modes.items() if mode & 0o077} == {}


@pytest.mark.sqlite_only
async def test_files_an_older_version_left_readable_are_repaired(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    await _start(data_dir)
    os.chmod(data_dir, 0o755)  # noqa: S103 - what older versions left
    for file in data_dir.iterdir():
        os.chmod(file, 0o644)
    modes = await _start(data_dir)
    assert _mode(data_dir) == 0o700
    database = {name: mode for name, mode in modes.items() if name.startswith("crm.sqlite3")}
    assert database == dict.fromkeys(["crm.sqlite3", "crm.sqlite3-wal", "crm.sqlite3-shm"], 0o600)


def _sqlite_temp_files() -> list[str]:
    """SQLite's temporary files this process holds open (`etilqs_…`, unlinked at creation)."""
    names = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            names.append(os.readlink(f"/proc/self/fd/{fd}"))
    return [name for name in names if "etilqs_" in name]


@pytest.mark.skipif(PG_URL is not None, reason="SQLite's own temporary files")
@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="open files read from /proc")
async def test_sqlite_keeps_its_temporary_files_in_memory(db: TortoiseContext) -> None:
    """Sorts and statement journals hold rows and page images (personal values): they never go
    to a file, which SQLite would put outside the private data directory (/var/tmp). And a
    commit reaches the disk before it returns (the audit is durable before an answer)."""
    conn = get_connection("default")
    assert isinstance(conn, SqliteClient)

    def settings(raw: sqlite3.Connection) -> tuple[int, int]:
        return raw.execute("PRAGMA temp_store").fetchone()[0], raw.execute(
            "PRAGMA synchronous"
        ).fetchone()[0]

    assert await run_in_sqlite_thread(conn, settings) == (2, 2)  # MEMORY, FULL

    def sort_while_watching(raw: sqlite3.Connection) -> list[str]:
        # A sort far larger than the page cache: on a file, its runs spill to a temp file.
        raw.execute("PRAGMA cache_size = 10")
        try:
            rows = raw.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) "
                "SELECT i, printf('%.200c', 'x') FROM n ORDER BY random()"
            )
            rows.fetchone()  # the sort is done: its runs are where SQLite put them
            return _sqlite_temp_files()
        finally:
            raw.execute("PRAGMA cache_size = -2000")

    assert await run_in_sqlite_thread(conn, sort_while_watching) == []
