"""The client's address: the TCP peer, unless the peer is a trusted proxy (a setting, none by
default); then the nearest address in X-Forwarded-For that is not itself a trusted proxy.

Entries left of that one are the client's own claims and never believed. uvicorn must not
rewrite the address first (the command line runs it with proxy headers off).
"""

from __future__ import annotations

from ipaddress import ip_address

from starlette.types import ASGIApp, Receive, Scope, Send

from edge.environment import Network
from edge.scope_state import PEER


def trusted(address: str | None, proxies: tuple[Network, ...]) -> bool:
    if not address or not proxies:
        return False
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in proxies)


def forwarded_client(peer: str, forwarded_for: str, proxies: tuple[Network, ...]) -> str:
    """Right to left through X-Forwarded-For while each hop is a trusted proxy."""
    client = peer
    for entry in reversed([part.strip() for part in forwarded_for.split(",")]):
        if not trusted(client, proxies):
            break
        try:
            client = str(ip_address(entry))
        except ValueError:
            break  # garbage: keep the last address a trusted proxy vouched for
    return client


class ClientAddressMiddleware:
    def __init__(self, app: ASGIApp, *, proxies: tuple[Network, ...]) -> None:
        self.app, self.proxies = app, proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not scope.get("client"):
            await self.app(scope, receive, send)
            return
        peer = scope["client"][0]
        scope = {**scope, PEER: peer}
        if trusted(peer, self.proxies):
            headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            client = forwarded_client(peer, headers.get(b"x-forwarded-for", ""), self.proxies)
            proto = headers.get(b"x-forwarded-proto", "").split(",")[-1].strip().lower()
            scope["client"] = (client, 0)
            if proto in ("http", "https"):
                scope["scheme"] = proto
        await self.app(scope, receive, send)
