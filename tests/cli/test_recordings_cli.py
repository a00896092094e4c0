"""`ringto recordings list|get|delete`, `retention run`, `voicemail outbox` as an operator uses them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from ringto.mail.compose import VoicemailMessage
from ringto.mail.outbox import enqueue_voicemail
from ringto.recordings import service
from ringto.store.db import make_engine, make_session_factory
from tests.recordings.audio import mp3_duration, stereo_wav

from .conftest import Invoke


def _record(db_url: str, path: Path, call_id: str, when: datetime) -> int:
    engine = make_engine(db_url)
    try:
        return service.add_recording(make_session_factory(engine), call_id, "+318000200000",
                                     stereo_wav(path, 1.0), 1.0, when).id
    finally:
        engine.dispose()


def test_list_get_delete_and_retention(ringto: Invoke, db_url: str, tmp_path: Path) -> None:
    ringto("db", "upgrade")
    ringto("number", "add", "08000200000", "--forward", "0201234567", "--record", "--retention-days", "0")
    ringto("number", "add", "0102000000", "--forward", "0201234567")
    old = _record(db_url, tmp_path / "old.wav", "call-old", datetime(2026, 1, 1, tzinfo=UTC))
    new = _record(db_url, tmp_path / "new.wav", "call-new", datetime(2099, 1, 1, tzinfo=UTC))
    listed = json.loads(ringto("recordings", "list", "--json").output)
    assert [(r["id"], r["call_id"], r["duration_s"]) for r in listed] == [
        (old, "call-old", 1.0), (new, "call-new", 1.0)]
    assert "call-old" in ringto("recordings", "list", "--number", "0800 020 0000").output
    assert json.loads(ringto("recordings", "list", "--number", "0102000000", "--json").output) == []

    got = ringto("recordings", "get", str(old), "--format", "mp3", "--out", str(tmp_path / "o.mp3"))
    assert got.exit_code == 0 and 1.0 <= mp3_duration((tmp_path / "o.mp3").read_bytes())[0] < 1.3
    missing = ringto("recordings", "get", "999", "--out", str(tmp_path / "x.wav"))
    assert missing.exit_code == 2 and "recording 999 does not exist" in missing.stderr

    ran = ringto("retention", "run")
    assert ran.exit_code == 0 and "1 recording(s) deleted" in ran.output
    assert not (tmp_path / "old.wav").exists() and (tmp_path / "new.wav").exists()
    assert ringto("recordings", "delete", str(new)).exit_code == 0
    assert not (tmp_path / "new.wav").exists()
    assert json.loads(ringto("recordings", "list", "--json").output) == []


def test_voicemail_outbox_lists_what_is_not_mailed_yet(ringto: Invoke, db_url: str, tmp_path: Path) -> None:
    ringto("db", "upgrade")
    assert "outbox empty" in ringto("voicemail", "outbox").output
    engine = make_engine(db_url)
    when = datetime(2026, 11, 26, 13, 5, tzinfo=UTC)
    enqueue_voicemail(make_session_factory(engine), tmp_path / "vm.wav", VoicemailMessage(
        "owner@example.nl", "+318000200000", None, when, "nl", "Europe/Amsterdam"), when)
    engine.dispose()
    [pending] = json.loads(ringto("voicemail", "outbox", "--json").output)
    assert (pending["to_addr"], pending["attempts"], pending["last_error"]) == ("owner@example.nl", 0, None)
    assert "owner@example.nl" in ringto("voicemail", "outbox").output
