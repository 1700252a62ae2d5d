"""Answers to rights requests go through the real outbox and the real test SMTP server: this
helper queues with the deployment's delivery, runs the worker and reads what arrived."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from auth.secrets_box import SecretBox
from notify.worker import Pass, deliver_once
from rights.delivery import OutboxDelivery
from tests.mailbox import Mailbox

BOX = SecretBox("a test deployment secret, 32+ characters long")


@dataclass
class Posted:
    mailbox: Mailbox
    spool: Path

    @property
    def delivery(self) -> OutboxDelivery:
        return OutboxDelivery(BOX)

    async def deliver(self, now: datetime | None = None) -> Pass:
        return await deliver_once(BOX, self.mailbox.transports(self.spool), now=now)

    def files(self, message: EmailMessage) -> dict[str, bytes]:
        """The attachments by extension (json, html)."""
        found = {}
        for part in message.iter_attachments():
            name = part.get_filename() or ""
            content = part.get_payload(decode=True)
            assert isinstance(content, bytes)
            found[name.rsplit(".", 1)[1]] = content
        return found

    async def answer_to(self, address: str) -> dict[str, bytes]:
        """Run the worker, then the files of the last message to `address`."""
        await self.deliver()
        return self.files(self.mailbox.last_to(address))
