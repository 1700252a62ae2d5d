"""Probes for load balancers and orchestrators; neither is written to the access log.

/healthz: the process answers (liveness). /readyz: it can do its work — the database answers,
every migration is applied, and the audit can be written (the API fails closed without it);
503 with the failing checks named otherwise.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise.connection import get_connection

from models.db import pending_migrations

log = logging.getLogger("crm.health")
Probe = Callable[[], Awaitable[None]]


async def alive(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def _database() -> None:
    connection = get_connection("default")
    # SQLite answers SELECT 1 without its file; the schema version is read from the file.
    sqlite = connection.capabilities.dialect == "sqlite"
    await connection.execute_query("PRAGMA schema_version" if sqlite else "SELECT 1")


async def _migrations() -> None:
    pending = await pending_migrations()
    if pending:
        raise RuntimeError(f"{len(pending)} migrations pending")


PROBE_TIMEOUT = 3.0  # seconds: a probe that hangs is a failed probe, and /readyz still answers


async def check(probes: dict[str, Probe]) -> dict[str, bool]:
    results: dict[str, bool] = {}
    for name, probe in probes.items():
        try:
            await asyncio.wait_for(probe(), PROBE_TIMEOUT)
            results[name] = True
        except Exception as exc:  # each failure is an answer, not a crash
            log.warning("readiness check failed check=%s error=%s", name, type(exc).__name__)
            results[name] = False
    return results


def readiness(audit_probe: Probe):  # type: ignore[no-untyped-def]
    probes = {"database": _database, "migrations": _migrations, "audit": audit_probe}

    async def ready(_: Request) -> Response:
        results = await check(probes)
        status = 200 if all(results.values()) else 503
        return JSONResponse({"status": "ok" if status == 200 else "unavailable", **results}, status)

    return ready
