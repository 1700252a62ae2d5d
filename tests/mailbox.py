"""A real SMTP server (aiosmtpd) on one of this suite's ports (8601-8619): the mailbox of the
persons the outbox writes to."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from models.binding import Channel
from notify.transports import PostSpool, SmtpTransport, Transport

PORTS = range(8601, 8620)


@dataclass
class Mailbox:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    def transport(self) -> SmtpTransport:
        return SmtpTransport(host="127.0.0.1", port=self.port, sender="crm@operator.example")

    def transports(self, spool: Any) -> dict[Channel, Transport]:
        return {Channel.EMAIL: self.transport(), Channel.POST: PostSpool(spool)}

    def last_to(self, address: str) -> EmailMessage:
        found = [m for m in self.messages if m["To"] == address]
        assert found, f"no message to {address}"
        return found[-1]


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.mailbox.messages.append(message)
        return "250 Message accepted for delivery"


def _free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as asyncio's server does
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    for port in PORTS:
        if not _free(port):  # aiosmtpd would wait its whole ready_timeout (5 s) to say so
            continue
        box = Mailbox(port)
        controller = Controller(_Handler(box), hostname="127.0.0.1", port=port)
        try:
            controller.start()
        except Exception:  # that port is busy: try the next of ours
            controller.loop.close()  # its own loop, else left to the garbage collector
            continue
        try:
            yield box
        finally:
            controller.stop()
        return
    raise RuntimeError("no free port in 8601-8619 for the test SMTP server")
