"""A per-address request rate limit (a token bucket per client address, in each worker).

It bounds what one address can make the server do; logins have their own, stricter throttle
(auth/throttle.py). The address is the one ClientAddressMiddleware settled on, so behind a
trusted proxy each client has its own bucket and not the proxy's.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from directives.errors import ErrorCode
from edge.errors import error_response
from edge.scope_state import client_address

UNLIMITED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
MAX_TRACKED = 100_000  # addresses remembered at once; full buckets are forgotten first


@dataclass(slots=True)
class Bucket:
    tokens: float
    at: float


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.buckets: dict[str, Bucket] = {}

    def take(self, address: str, now: float) -> float:
        """0 if allowed, else the seconds until the next request would be."""
        bucket = self.buckets.get(address)
        if bucket is None:
            if len(self.buckets) >= MAX_TRACKED:
                self._forget_full(now)
            bucket = self.buckets[address] = Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def _forget_full(self, now: float) -> None:
        refill = self.capacity / self.rate
        self.buckets = {a: b for a, b in self.buckets.items() if now - b.at < refill}


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, *, per_minute: int) -> None:
        self.app = app
        self.limiter = RateLimiter(per_minute) if per_minute > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        address = client_address(scope)
        if (
            self.limiter is None
            or scope["type"] != "http"
            or scope.get("path") in UNLIMITED_PATHS
            or address is None
        ):
            await self.app(scope, receive, send)
            return
        wait = self.limiter.take(address, time.monotonic())
        if wait > 0:
            retry = str(max(1, math.ceil(wait)))
            response = error_response(
                429, ErrorCode.RATE_LIMITED, "Too many requests.", {"retry-after": retry}
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
