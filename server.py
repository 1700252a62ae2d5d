"""The entry point: `python server.py [command] [options]` (see `--help`), or for uvicorn and
other ASGI servers `server:app` (built from the environment on first use) or the no-argument
factory `server:create_app_from_env` (`uvicorn --factory`).

The pieces live in edge/ (settings, command line, middleware, health, metrics); the API itself
in resolvers/. Nothing here is global but what Tortoise itself needs.
"""

from __future__ import annotations

import sys

from edge.app import LazyApp, create_app, create_app_from_env
from edge.cli import main
from edge.settings import Settings, SettingsError
from edge.web import WEB_DIST

__all__ = [
    "WEB_DIST",
    "Settings",
    "SettingsError",
    "app",
    "create_app",
    "create_app_from_env",
    "main",
]

app = LazyApp()

if __name__ == "__main__":
    sys.exit(main())
