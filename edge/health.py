"""Probes for load balancers and orchestrators; neither is written to the access log.

/healthz: the process answers (liveness). /readyz: it can do its work — the database answers,
every migration is applied, and the audit can be written (the API fails closed without it);
503 with the failing checks named otherwise.
"""

from __future__ import annotations

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
    await get_connection("default").execute_query("SELECT 1")


async def _migrations() -> None:
    pending = await pending_migrations()
    if pending:
        raise RuntimeError(f"{len(pending)} migrations pending")


async def check(probes: dict[str, Probe]) -> dict[str, bool]:
    results: dict[str, bool] = {}
    for name, probe in probes.items():
        try:
            await probe()
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
