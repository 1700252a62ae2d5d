"""Database configuration and schema migrations (Tortoise's own migration tool)."""

from __future__ import annotations

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


# For the `tortoise` command line only (makemigrations); the server builds its own config.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")


async def apply_migrations() -> None:
    """Apply pending migrations on the already initialised default connection."""
    executor = MigrationExecutor(get_connection("default"), tortoise_config("")["apps"])
    await executor.migrate()
