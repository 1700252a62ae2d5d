"""The data directory and the SQLite files hold every personal value: readable by the server's
own user only. Directory 0700; `crm.sqlite3` and its `-wal`, `-shm` and `-journal` files 0600.

The database file is created 0600 before SQLite opens it (SQLite gives its -wal and -shm files
the database file's mode), and all of them are set again after opening, which also repairs
files an older version created 0644. The server also starts with umask 077 (server.main).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from urllib.parse import urlsplit

PRIVATE_DIRECTORY = 0o700
PRIVATE_FILE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def private_directory(path: Path) -> None:
    path.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    os.chmod(path, PRIVATE_DIRECTORY)


def sqlite_path(url: str) -> Path | None:
    """The database file of a `sqlite://` URL; None for other databases and `:memory:`."""
    if not url.startswith("sqlite://"):
        return None
    path = urlsplit(url).path if url.startswith("sqlite:///") else url[len("sqlite://") :]
    path = path.split("?", 1)[0]
    return None if not path or path == ":memory:" else Path(path)


def create_private_database(url: str) -> None:
    """Before SQLite opens it: an absent database file is created empty with mode 0600."""
    path = sqlite_path(url)
    if path is None or path.exists():
        return
    path.parent.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
    # Another worker may create it meanwhile; protect_database then fixes its mode.
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


def protect_database(url: str) -> list[Path]:
    """After opening: the database and whichever side files exist, 0600. Returns them."""
    path = sqlite_path(url)
    if path is None:
        return []
    files = [p for p in [path, *(Path(f"{path}{s}") for s in SQLITE_SIDE_FILES)] if p.exists()]
    for file in files:
        os.chmod(file, PRIVATE_FILE)
    return files
