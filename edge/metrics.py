"""Prometheus metrics: requests, latency, audit writes and failures, decisions by outcome.

Served at /metrics only to the addresses in CRM_METRICS_ALLOW (loopback by default), judged by
the TCP peer itself, never by X-Forwarded-For. With several workers, set
PROMETHEUS_MULTIPROC_DIR (an empty directory) so every worker's counts are added up.
"""

from __future__ import annotations

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from directives.audit import AuditBuffer
from edge.environment import Network
from edge.proxies import trusted
from edge.scope_state import peer_address

KNOWN_PATHS = frozenset({"/graphql", "/schema.graphql", "/healthz", "/readyz", "/metrics"})

REQUESTS = Counter("crm_http_requests", "HTTP requests answered", ["method", "path", "status"])
LATENCY = Histogram(
    "crm_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["path"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
AUDIT_WRITES = Counter("crm_audit_writes", "Audit records written (one per request)")
AUDIT_FAILURES = Counter("crm_audit_write_failures", "Audit writes that failed (fail closed)")
DECISIONS = Counter(
    "crm_personal_field_decisions", "Personal values decided, by outcome", ["decision"]
)


def record_audit(buffer: AuditBuffer, *, failed: bool) -> None:
    """Called once per GraphQL operation with its audit buffer."""
    if failed:
        AUDIT_FAILURES.inc()
        return
    if not buffer.written:
        return
    AUDIT_WRITES.inc()
    withheld: dict[str, int] = {}
    for line, count in buffer.withheld.items():
        withheld[line.decision] = withheld.get(line.decision, 0) + count
    for decision, count in withheld.items():
        DECISIONS.labels(decision).inc(count)
    clear = buffer.field_count - sum(withheld.values())
    if clear > 0:
        DECISIONS.labels("CLEAR").inc(clear)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            path = scope["path"] if scope["path"] in KNOWN_PATHS else "(other)"
            REQUESTS.labels(scope.get("method", "-"), path, str(status)).inc()
            LATENCY.labels(path).observe(time.perf_counter() - started)


def metrics_endpoint(allowed: tuple[Network, ...]):  # type: ignore[no-untyped-def]
    async def metrics(request: Request) -> Response:
        if not trusted(peer_address(request.scope), allowed):
            return Response("Not Found", 404, media_type="text/plain")
        return Response(_exposition(), media_type=CONTENT_TYPE_LATEST)

    return metrics


def _exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest()
