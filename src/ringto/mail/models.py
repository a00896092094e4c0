"""The voicemail outbox: a message waits here until the owner's mail server took it (F7).

A row is written before anything is sent, so a mail server that is down, or a process
that dies, delays a message but never loses it. `next_try_utc` orders the retries and
doubles as a lease: a worker moves it forward before sending, so two workers never
send the same message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ringto.store.base import Base
from ringto.store.types import UtcDateTime


class VoicemailMail(Base):
    """One voicemail message to mail: the WAV on disk and what the mail body says."""

    __tablename__ = "voicemail_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_path: Mapped[str] = mapped_column(Text)
    to_addr: Mapped[str] = mapped_column(String(320))
    service_number: Mapped[str] = mapped_column(String(16))
    caller: Mapped[str | None] = mapped_column(Text)  # None: the caller hid their number
    call_time_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    language: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_utc: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    sent_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
