"""Research pseudonyms (P5.F): a keyed hash of the customer's id, never the id itself."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

from models import ResearchKey

KEY_ROW = 1  # the key's row: its primary key makes concurrent first uses agree on one key


async def deployment_key() -> bytes:
    """This deployment's pseudonym key: random, made once, kept in the database.

    Call it once at startup and pass the key to each request's context (`pseudonym_key`):
    requests then need no query for it. Race-free: concurrent first calls all insert row
    KEY_ROW, one wins, the others read the winner's key (`get_or_create`)."""
    row = await ResearchKey.all().order_by("id").first()
    if row is None:
        fresh = {"secret": secrets.token_hex(32)}
        row, _ = await ResearchKey.get_or_create(id=KEY_ROW, defaults=fresh)
    return bytes.fromhex(row.secret)


def pseudonym(key: bytes, customer_id: int, scheme: str) -> str:
    """HMAC-SHA256 of the id and the generalisation scheme under the deployment key: stable
    while the scheme stands, not reversible without the key. Keyed by the scheme so that rows
    generalised two ways cannot be joined into one finer row."""
    message = f"customer:{customer_id}:{scheme}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:20]


def pseudonymiser(key: bytes, scheme: str) -> Callable[[int], str]:
    """`pseudonym(key, id, scheme)` for many ids: the key's HMAC state is made once and
    copied per id (the same digests, without re-keying a million times)."""
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    suffix = f":{scheme}"

    def name(customer_id: int) -> str:
        mac = keyed.copy()
        mac.update(f"customer:{customer_id}{suffix}".encode())
        return mac.hexdigest()[:20]

    return name
