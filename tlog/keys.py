"""The checkpoint signing key: configuration (CRM_AUDIT_SIGNING_KEY, a note signer key), or in
development a key generated once into the data directory (mode 0600), like `secret.key`."""

from __future__ import annotations

import os
from pathlib import Path

from directives.checkpoint import SigningKey, parse_signing_key

KEY_FILE = "audit-signing.key"
DEVELOPMENT_NAME = "localhost/privacy-crm/audit"


def development_key(data_dir: Path) -> SigningKey:
    path = data_dir / KEY_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker wrote it first
        else:
            with os.fdopen(fd, "w") as file:
                file.write(SigningKey.generate(DEVELOPMENT_NAME).text() + "\n")
    return parse_signing_key(path.read_text())
