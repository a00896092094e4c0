"""Voicemail mail through a real SMTP server (aiosmtpd): arrives with its WAV, which is then gone (F7)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import math
import struct
import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from ringto import config
from ringto.mail.compose import VoicemailMessage
from ringto.mail.models import VoicemailMail
from ringto.mail.outbox import OutboxWorker, enqueue_voicemail, pending_mail, retry_delay
from ringto.mail.transport import MailDrop, Smtp, transport_for
from tests.e2e.sipp import free_port

CALL = datetime(2026, 11, 26, 13, 5, 0, tzinfo=UTC)  # 14:05 in Amsterdam
FROM = "ringto voicemail <voicemail@ringto.test>"


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001 - aiosmtpd's hook
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def smtp():  # noqa: ANN201
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def message_wav(path: Path, seconds: float) -> Path:
    """A caller's message: a 300 Hz tone, 8 kHz mono 16-bit, as the voicemail step records it."""
    samples = (int(6000 * math.sin(2 * math.pi * 300 * n / 8000)) for n in range(int(seconds * 8000)))
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return path


def queue(sessions, tmp_path: Path, caller: str | None, language: str, seconds: float = 2.5) -> Path:  # noqa: ANN001
    wav = message_wav(tmp_path / f"vm-{language}.wav", seconds)
    zone = "Europe/Sofia" if language == "bg" else "Europe/Amsterdam"
    enqueue_voicemail(sessions, wav, VoicemailMessage("owner@example.nl", "+318000200000", caller, CALL,
                                                      language, zone), CALL)
    return wav


def attachment(message: email.message.EmailMessage) -> tuple[str, bytes]:
    [part] = list(message.iter_attachments())
    return part.get_filename(), part.get_content()


def test_mail_arrives_with_the_wav_which_is_then_deleted(sessions, tmp_path: Path, smtp) -> None:  # noqa: ANN001
    inbox, port = smtp
    wav = queue(sessions, tmp_path, "+31612345678", "nl")
    original = wav.read_bytes()
    worker = OutboxWorker(sessions, Smtp("127.0.0.1", port), FROM)
    assert asyncio.run(worker.send_due(CALL)) == 1
    [mail] = inbox.messages
    assert inbox.recipients == [["owner@example.nl"]]
    assert mail["Subject"] == "Voicemail van +31 6 12345678 op +31 800 0200000"
    body = mail.get_body(("plain",)).get_content()
    assert "Van: +31 6 12345678" in body and "donderdag 26 november 2026" in body and "14:05" in body
    assert "Lengte: 2 seconden" in body or "Lengte: 3 seconden" in body
    name, data = attachment(mail)
    assert name == "voicemail-20261126-140500.wav" and data == original
    (tmp_path / "got.wav").write_bytes(data)
    with wave.open(str(tmp_path / "got.wav"), "rb") as reader:
        assert reader.getnframes() == 20_000 and reader.getframerate() == 8000
    assert not wav.exists()
    with sessions() as session:
        row = session.scalars(select(VoicemailMail)).one()
        assert row.sent_utc == CALL and row.attempts == 1 and row.last_error is None
    assert asyncio.run(worker.send_due(CALL + timedelta(hours=1))) == 0  # sent once only


def test_a_hidden_caller_is_anonymous_in_the_owners_language(sessions, tmp_path: Path, smtp) -> None:  # noqa: ANN001
    inbox, port = smtp
    queue(sessions, tmp_path, None, "bg", seconds=1.0)
    assert asyncio.run(OutboxWorker(sessions, Smtp("127.0.0.1", port), FROM).send_due(CALL)) == 1
    [mail] = inbox.messages
    assert mail["Subject"] == "Гласово съобщение от анонимен на +31 800 0200000"
    body = mail.get_body(("plain",)).get_content()
    assert "От: анонимен" in body and "15:05" in body and "ноември" in body  # Sofia is UTC+2


def test_a_server_that_is_down_delays_the_message_but_never_drops_it(sessions, tmp_path: Path) -> None:  # noqa: ANN001
    wav = queue(sessions, tmp_path, "+31201234567", "en")
    port = free_port()
    worker = OutboxWorker(sessions, Smtp("127.0.0.1", port), FROM, backoff_s=30)
    assert asyncio.run(worker.send_due(CALL)) == 0
    with sessions() as session:
        row = session.scalars(select(VoicemailMail)).one()
        assert row.attempts == 1 and row.sent_utc is None and row.last_error
        assert row.next_try_utc == CALL + timedelta(seconds=30)
    assert wav.exists()
    [pending] = pending_mail(sessions)
    assert pending.attempts == 1 and "Connect" in (pending.last_error or "")
    assert asyncio.run(worker.send_due(CALL + timedelta(seconds=29))) == 0  # not due yet: not tried
    with sessions() as session:
        assert session.scalars(select(VoicemailMail)).one().attempts == 1
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert asyncio.run(worker.send_due(CALL + timedelta(seconds=30))) == 1
    finally:
        controller.stop()
    [mail] = inbox.messages
    assert mail["Subject"] == "Voicemail from +31 20 123 4567 on +31 800 0200000"
    assert "Thursday, November 26, 2026" in mail.get_body(("plain",)).get_content()
    assert attachment(mail)[1][:4] == b"RIFF" and not wav.exists()
    assert pending_mail(sessions) == []


def test_a_claimed_message_is_not_sent_twice(sessions, tmp_path: Path) -> None:  # noqa: ANN001
    queue(sessions, tmp_path, None, "en")
    worker = OutboxWorker(sessions, MailDrop(tmp_path / "drop"), FROM)
    assert len(worker._claim(CALL)) == 1
    assert worker._claim(CALL) == []  # leased to the first worker for a while


def test_the_mail_drop_writes_eml_files(sessions, tmp_path: Path) -> None:  # noqa: ANN001
    wav = queue(sessions, tmp_path, "+31201234567", "en")
    drop = transport_for("maildrop:", tmp_path / "var")
    assert drop == MailDrop(tmp_path / "var" / "maildrop")
    assert asyncio.run(OutboxWorker(sessions, drop, FROM).send_due(CALL)) == 1
    [eml] = (tmp_path / "var" / "maildrop").glob("*.eml")
    mail = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert mail["To"] == "owner@example.nl" and attachment(mail)[1][:4] == b"RIFF"
    assert not wav.exists()


def test_smtp_urls_and_backoff() -> None:
    assert transport_for("smtp://u%40x:p@mail.example:587?starttls=1", Path("/v")) == Smtp(
        "mail.example", 587, "u@x", "p", use_tls=False, start_tls=True)
    assert transport_for("smtps://mail.example", Path("/v")) == Smtp("mail.example", 465, use_tls=True)
    assert transport_for("maildrop:/srv/mail", Path("/v")) == MailDrop(Path("/srv/mail"))
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]
    assert config.load({"RINGTO_SMTP_URL": "smtp://127.0.0.1:2525"}).smtp_url == "smtp://127.0.0.1:2525"
    with pytest.raises(config.ConfigError, match="RINGTO_SMTP_URL='mail.example'"):
        config.load({"RINGTO_SMTP_URL": "mail.example"})
