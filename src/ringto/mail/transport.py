"""Where mail goes: an SMTP server (aiosmtplib) or, by default, a local mail drop folder (F23).

`RINGTO_SMTP_URL` picks one: `smtp://user:password@host:587?starttls=1`,
`smtps://host:465` (TLS from the start), or `maildrop:[FOLDER]`, which writes each
message as an .eml file (written aside, then renamed, so a reader never sees half a
message) for a one-machine install with no mail server yet.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

SMTP_TIMEOUT_S = 30.0


class MailTransport(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Hand `message` on; raise on any failure so the outbox retries it."""


@dataclass(frozen=True)
class MailDrop:
    folder: Path

    async def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.eml"
        partial = self.folder / f".{name}.part"
        partial.write_bytes(message.as_bytes())
        os.replace(partial, self.folder / name)


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool | None = None  # None: upgrade when the server offers STARTTLS

    async def send(self, message: EmailMessage) -> None:
        await aiosmtplib.send(
            message, hostname=self.host, port=self.port, username=self.username,
            password=self.password, use_tls=self.use_tls, start_tls=self.start_tls,
            timeout=SMTP_TIMEOUT_S,
        )


def transport_for(url: str, data_dir: Path) -> MailTransport:
    """The transport `RINGTO_SMTP_URL` names (already checked by `ringto.config`)."""
    scheme, _, rest = url.partition(":")
    if scheme == "maildrop":
        return MailDrop(Path(rest) if rest else data_dir / "maildrop")
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    start_tls = {"1": True, "0": False}.get(query.get("starttls", [""])[0])
    return Smtp(
        host=parts.hostname or "localhost", port=parts.port or (465 if scheme == "smtps" else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=scheme == "smtps", start_tls=start_tls,
    )
