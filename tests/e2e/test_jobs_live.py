"""A running `ringto serve` deletes overdue recordings and mails queued voicemail by itself."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aiosmtpd.controller import Controller

from ringto.mail.compose import VoicemailMessage
from ringto.mail.outbox import enqueue_voicemail
from ringto.recordings import service as recordings
from ringto.store.db import make_engine, make_session_factory
from tests.mail.test_outbox import Inbox, message_wav
from tests.recordings.audio import stereo_wav

from .server import Ringto
from .sipp import HOST, SERVICE_NUMBER, free_port


def test_serve_runs_retention_and_the_voicemail_outbox(make_ringto: Callable[..., Ringto]) -> None:
    server = make_ringto(start=False)
    server.cli("number", "update", SERVICE_NUMBER, "--record", "--retention-days", "0")
    smtp_port = free_port()
    server.env["RINGTO_SMTP_URL"] = f"smtp://{HOST}:{smtp_port}"
    engine = make_engine(f"sqlite:///{server.data_dir / 'ringto.db'}")
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    recording = stereo_wav(server.data_dir / "rec.wav", 1.0)
    recordings.add_recording(sessions, "call-1", SERVICE_NUMBER, recording, 1.0, now - timedelta(days=1))
    message = message_wav(server.data_dir / "vm.wav", 1.5)
    enqueue_voicemail(sessions, message, VoicemailMessage(
        "owner@example.nl", SERVICE_NUMBER, None, now, "en", "Europe/Amsterdam"), now)
    engine.dispose()
    inbox = Inbox()
    controller = Controller(inbox, hostname=HOST, port=smtp_port)
    controller.start()
    try:
        server.start()
        deadline = time.monotonic() + 15
        while (recording.exists() or message.exists()) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        controller.stop()
    assert not recording.exists(), server.log()
    assert server.cli("recordings", "list", "--json").stdout.strip() == "[]"
    assert len(inbox.messages) == 1 and not message.exists(), server.log()
    assert "recording deleted" in server.log() and "voicemail sent and deleted" in server.log()
