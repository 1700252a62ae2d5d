"""What the edge middleware leaves in the ASGI scope for the layers under it."""

from __future__ import annotations

from starlette.types import Scope

REQUEST_ID = "crm.request_id"  # set by RequestIdMiddleware
PEER = "crm.peer"  # the address of the TCP peer itself (a proxy, perhaps), before X-Forwarded-For


def request_id(scope: Scope) -> str | None:
    value = scope.get(REQUEST_ID)
    return str(value) if value else None


def client_address(scope: Scope) -> str | None:
    """The client: the peer, or what trusted proxies said (ClientAddressMiddleware)."""
    client = scope.get("client")
    return str(client[0]) if client else None


def peer_address(scope: Scope) -> str | None:
    peer = scope.get(PEER)
    return str(peer) if peer else client_address(scope)
