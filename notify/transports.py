"""How messages leave: e-mail over SMTP (aiosmtplib), or letters handed to the post as files
in a private spool directory that the operator's print run takes from."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import aiosmtplib


class Transport(Protocol):
    async def send(self, *, message_id: int, to: str, subject: str, body: str) -> None:
        """Deliver or raise; the worker retries later and never logs the message."""


@dataclass(frozen=True, slots=True)
class SmtpTransport:
    host: str
    port: int
    sender: str
    start_tls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0

    async def send(self, *, message_id: int, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message["Message-ID"] = f"<notification-{message_id}@{self.sender.rpartition('@')[2]}>"
        message.set_content(body)
        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            start_tls=self.start_tls,
            username=self.username,
            password=self.password,
            timeout=self.timeout,
        )


@dataclass(frozen=True, slots=True)
class PostSpool:
    """One text file per letter, mode 0600 in a 0700 directory: personal data until printed
    (the operator's print run deletes each file once the letter is posted)."""

    directory: Path

    async def send(self, *, message_id: int, to: str, subject: str, body: str) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)
        path = self.directory / f"letter-{message_id}.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as letter:
            letter.write(f"{to}\n\n{subject}\n\n{body}")
