"""How an answer reaches the person: a parcel (message and files) handed to a delivery.

The notification outbox (`notify/`) is the delivery the server is meant to use; it sends text
bodies only, so until it carries attachments the server has no delivery, and answering a
request is refused (DELIVERY_UNAVAILABLE) rather than sent some other way. `Collected` keeps
parcels in memory (tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    media_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Parcel:
    request_id: int
    to: str  # e-mail address
    subject: str
    body: str
    attachments: tuple[Attachment, ...]


class Delivery(Protocol):
    async def send(self, parcel: Parcel) -> str:
        """Queue the parcel durably; returns a reference. Raises if it cannot."""


@dataclass
class Collected:
    parcels: list[Parcel] = field(default_factory=list)

    async def send(self, parcel: Parcel) -> str:
        self.parcels.append(parcel)
        return f"collected-{len(self.parcels)}"
