"""The voicemail outbox: queue a message, send it, delete the WAV once sent, retry until then (F7).

The privacy statement promises voicemail is mailed and not kept, and a message must
never be lost, so: the row is stored before any send; a failed send only moves
`next_try_utc` back by a doubling delay (30 s up to an hour) and records why; the WAV
is deleted only after its mail server accepted the message. Sending holds no database
transaction open; a worker claims a row by moving its `next_try_utc` forward (a lease),
so several processes can run workers on one database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .compose import VoicemailMessage, compose
from .models import VoicemailMail
from .transport import MailTransport

log = structlog.get_logger(__name__)
SessionFactory = Callable[[], Session]
LEASE = timedelta(minutes=5)
BATCH = 20


def voicemail_path(data_dir: Path, call_id: str) -> Path:
    """Where the voicemail step writes a message until it is mailed (then it is deleted)."""
    return data_dir / "voicemail" / f"{call_id}.wav"


def enqueue_voicemail(session_factory: SessionFactory, message_path: Path, message: VoicemailMessage,
                      now: datetime) -> int:
    """Queue a recorded message for mailing at once; returns the outbox id."""
    with session_factory() as session, session.begin():
        row = VoicemailMail(
            message_path=str(message_path), to_addr=message.to_addr, service_number=message.service_number,
            caller=message.caller, call_time_utc=message.call_time_utc, language=message.language,
            timezone=message.timezone, attempts=0, next_try_utc=now,
        )
        session.add(row)
        session.flush()
        return row.id


@dataclass(frozen=True, slots=True)
class PendingMail:
    """A message still waiting for its mail server, as an operator checks on it."""

    id: int
    to_addr: str
    service_number: str
    call_time_utc: datetime
    attempts: int
    next_try_utc: datetime
    last_error: str | None


def pending_mail(session_factory: SessionFactory) -> list[PendingMail]:
    """Every message not sent yet, oldest call first (`ringto voicemail outbox`)."""
    with session_factory() as session:
        rows = session.scalars(select(VoicemailMail).where(VoicemailMail.sent_utc.is_(None))
                               .order_by(VoicemailMail.call_time_utc, VoicemailMail.id))
        return [PendingMail(r.id, r.to_addr, r.service_number, r.call_time_utc, r.attempts,
                            r.next_try_utc, r.last_error) for r in rows]


def retry_delay(attempts: int, base_s: float = 30.0, cap_s: float = 3600.0) -> timedelta:
    """Wait before the next try after `attempts` failures: base, 2x, 4x ... up to the cap."""
    return timedelta(seconds=min(base_s * 2 ** max(attempts - 1, 0), cap_s))


class OutboxWorker:
    """Sends due outbox messages through `transport`; `run` loops until cancelled."""

    def __init__(self, session_factory: SessionFactory, transport: MailTransport, from_addr: str,
                 *, backoff_s: float = 30.0, poll_s: float = 2.0) -> None:
        self._sessions = session_factory
        self._transport = transport
        self._from = from_addr
        self._backoff_s = backoff_s
        self._poll_s = poll_s

    async def run(self) -> None:
        """Send what is due every `poll_s` seconds, for ever; errors are logged, never fatal."""
        while True:
            try:
                await self.send_due(datetime.now(UTC))
            except Exception:
                log.exception("voicemail outbox pass failed; retrying")
            await asyncio.sleep(self._poll_s)

    async def send_due(self, now: datetime) -> int:
        """Try every message due at `now` once; returns how many were sent."""
        sent = 0
        for row in await asyncio.to_thread(self._claim, now):
            sent += await self._send(row, now)
        return sent

    def _claim(self, now: datetime) -> list[VoicemailMail]:
        with self._sessions() as session, session.begin():
            due = session.scalars(
                select(VoicemailMail)
                .where(VoicemailMail.sent_utc.is_(None), VoicemailMail.next_try_utc <= now)
                .order_by(VoicemailMail.next_try_utc).limit(BATCH)).all()
            claimed = []
            for row in due:
                result = session.execute(
                    update(VoicemailMail)
                    .where(VoicemailMail.id == row.id, VoicemailMail.next_try_utc == row.next_try_utc)
                    .values(next_try_utc=now + LEASE))
                if result.rowcount == 1:
                    claimed.append(row)
            session.expunge_all()
            return claimed

    async def _send(self, row: VoicemailMail, now: datetime) -> int:
        wav = Path(row.message_path)
        message = VoicemailMessage(row.to_addr, row.service_number, row.caller, row.call_time_utc,
                                   row.language, row.timezone)
        try:
            mail = await asyncio.to_thread(compose, message, wav, self._from)
            await self._transport.send(mail)
        except Exception as exc:  # any failure, the mail server's or ours: keep the message, retry
            await asyncio.to_thread(self._failed, row, now, f"{type(exc).__name__}: {exc}")
            return 0
        await asyncio.to_thread(self._sent, row, now)
        return 1

    def _failed(self, row: VoicemailMail, now: datetime, error: str) -> None:
        attempts = row.attempts + 1
        next_try = now + retry_delay(attempts, self._backoff_s)
        with self._sessions() as session, session.begin():
            session.execute(update(VoicemailMail).where(VoicemailMail.id == row.id).values(
                attempts=attempts, last_error=error, next_try_utc=next_try))
        log.warning("voicemail not sent; will retry", outbox_id=row.id, to=row.to_addr, attempts=attempts,
                    next_try_utc=next_try.isoformat(), error=error)

    def _sent(self, row: VoicemailMail, now: datetime) -> None:
        with self._sessions() as session, session.begin():
            session.execute(update(VoicemailMail).where(VoicemailMail.id == row.id).values(
                attempts=row.attempts + 1, sent_utc=now, last_error=None))
        try:
            Path(row.message_path).unlink(missing_ok=True)
        except OSError as exc:
            log.error("voicemail sent but its file could not be deleted", outbox_id=row.id,
                      path=row.message_path, error=str(exc))
            return
        log.info("voicemail sent and deleted", outbox_id=row.id, to=row.to_addr,
                 service_number=row.service_number, path=row.message_path)
