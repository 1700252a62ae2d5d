"""Database configuration and schema migrations (Tortoise's own migration tool)."""

from __future__ import annotations

import os
from typing import Any

from tortoise.connection import get_connection
from tortoise.migrations.executor import MigrationExecutor

APP = "models"


def tortoise_config(db_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": db_url},
        "apps": {
            APP: {
                "models": ["models"],
                "migrations": "models.migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For the `tortoise` command line only; the server builds its own config. DATABASE_URL, when
# set, is the database it works on (`tortoise -c models.db.TORTOISE_ORM migrate`).
TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL") or "sqlite://:memory:")


def _executor() -> MigrationExecutor:
    return MigrationExecutor(get_connection("default"), tortoise_config("")["apps"])


async def apply_migrations() -> None:
    """Apply pending migrations on the already initialised default connection."""
    await _executor().migrate()


async def pending_migrations() -> list[str]:
    """Names of migrations not yet applied (all of them on an empty database)."""
    return [step.migration.name for step in await _executor().plan() if not step.backward]
