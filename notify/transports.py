"""How messages leave: e-mail over SMTP (aiosmtplib), or letters handed to the post as files
in a private spool directory that the operator's print run takes from."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import aiosmtplib

from models.binding import Channel


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message (a disclosure package as JSON and printable HTML)."""

    name: str  # a plain file name: letters, digits, '.', '-', '_'
    media_type: str  # 'application/json', 'text/html'
    content: bytes = field(repr=False)


class Transport(Protocol):
    async def send(
        self,
        *,
        message_id: int,
        to: str,
        subject: str,
        body: str,
        attachments: Sequence[Attachment] = (),
    ) -> None:
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

    async def send(
        self,
        *,
        message_id: int,
        to: str,
        subject: str,
        body: str,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message["Message-ID"] = f"<notification-{message_id}@{self.sender.rpartition('@')[2]}>"
        message.set_content(body)
        for file in attachments:
            maintype, _, subtype = file.media_type.partition("/")
            message.add_attachment(
                file.content, maintype=maintype, subtype=subtype, filename=file.name
            )
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
    """One text file per letter, and one per enclosure (`letter-7-answer-3.html`), mode 0600
    in a 0700 directory: personal data until printed (the operator's print run deletes each
    file once the letter is posted)."""

    directory: Path

    async def send(
        self,
        *,
        message_id: int,
        to: str,
        subject: str,
        body: str,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)
        for file in attachments:
            self._write(f"letter-{message_id}-{Path(file.name).name}", file.content)
        self._write(f"letter-{message_id}.txt", f"{to}\n\n{subject}\n\n{body}".encode())

    def _write(self, name: str, content: bytes) -> None:
        fd = os.open(self.directory / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(content)


@dataclass(frozen=True, slots=True)
class OutboxSettings:
    """Where the outbox sends: SMTP for e-mail (CRM_SMTP_*; without a host, e-mails wait in
    the outbox), and the post spool directory for letters."""

    post_spool: Path
    smtp: SmtpTransport | None = None
    interval: float = 5.0  # seconds between worker passes

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, data_dir: Path) -> OutboxSettings:
        host = env.get("CRM_SMTP_HOST")
        smtp = None
        if host:
            smtp = SmtpTransport(
                host=host,
                port=int(env.get("CRM_SMTP_PORT", "25")),
                sender=env.get("CRM_SMTP_FROM", "crm@localhost"),
                start_tls=env.get("CRM_SMTP_STARTTLS", "0") == "1",
                username=env.get("CRM_SMTP_USER") or None,
                password=env.get("CRM_SMTP_PASSWORD") or None,
            )
        return cls(post_spool=data_dir / "post-outbox", smtp=smtp)

    def transports(self) -> dict[Channel, Transport]:
        found: dict[Channel, Transport] = {Channel.POST: PostSpool(self.post_spool)}
        if self.smtp is not None:
            found[Channel.EMAIL] = self.smtp
        return found
