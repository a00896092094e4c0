"""Recordings: stored with a deletion date, fetched as WAV or MP3, deleted for good (F6, F24)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from ringto.numbers import service as numbers
from ringto.numbers.service import NumberOptions
from ringto.recordings import service
from ringto.recordings.retention import run_retention

from .audio import mp3_duration, stereo_wav

T0 = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
NUMBER = "+318000200000"


@pytest.fixture
def recorded(sessions, tmp_path: Path):  # noqa: ANN001, ANN201
    """A number keeping recordings 7 days, with one 3 s recording."""
    numbers.add_number(sessions, NUMBER, ["+31201234567"],
                       options=NumberOptions(record=True, retention_days=7))
    path = stereo_wav(tmp_path / "call-1.wav", 3.0)
    return service.add_recording(sessions, "call-1", NUMBER, path, 3.0, T0)


def test_a_recording_is_due_after_its_numbers_retention(sessions, recorded) -> None:  # noqa: ANN001
    assert recorded.delete_after_utc == T0 + timedelta(days=7)
    assert [r.id for r in service.list_recordings(sessions, NUMBER)] == [recorded.id]
    assert service.list_recordings(sessions, "+31102000000") == []
    with pytest.raises(service.RecordingError, match="not a configured service number"):
        service.add_recording(sessions, "c", "+31102000000", Path("/x.wav"), 1.0, T0)


def test_export_as_wav_and_mp3(sessions, recorded, tmp_path: Path) -> None:  # noqa: ANN001
    wav = service.export_recording(sessions, recorded.id, "wav", tmp_path / "out.wav")
    assert wav.read_bytes() == Path(recorded.path).read_bytes()
    mp3 = service.export_recording(sessions, recorded.id, "mp3", tmp_path / "out.mp3").read_bytes()
    seconds, rate = mp3_duration(mp3)
    assert rate == 8000 and 3.0 <= seconds <= 3.3  # LAME adds an info frame and encoder padding
    assert len(mp3) < Path(recorded.path).stat().st_size / 3
    with pytest.raises(service.RecordingError, match="recording 99 does not exist"):
        service.export_recording(sessions, 99, "wav", tmp_path / "x.wav")


def test_delete_removes_file_and_row(sessions, recorded) -> None:  # noqa: ANN001
    service.delete_recording(sessions, recorded.id)
    assert not Path(recorded.path).exists()
    assert service.list_recordings(sessions) == []
    with pytest.raises(service.RecordingError, match="does not exist"):
        service.delete_recording(sessions, recorded.id)


def test_retention_deletes_only_what_is_due_and_logs_it(sessions, recorded, tmp_path) -> None:  # noqa: ANN001
    assert run_retention(sessions, T0 + timedelta(days=7) - timedelta(seconds=1)) == []
    assert Path(recorded.path).exists()
    with capture_logs() as logs:
        deleted = run_retention(sessions, T0 + timedelta(days=7))
    assert [d.id for d in deleted] == [recorded.id]
    assert not Path(recorded.path).exists() and service.list_recordings(sessions) == []
    assert logs == [{"event": "recording deleted", "log_level": "info", "reason": "retention",
                     "recording_id": recorded.id, "call_id": "call-1", "service_number": NUMBER,
                     "path": recorded.path, "created_utc": T0.isoformat(),
                     "delete_after_utc": (T0 + timedelta(days=7)).isoformat()}]


def test_retention_zero_days_deletes_at_the_next_run(sessions, recorded) -> None:  # noqa: ANN001
    numbers.update_number(sessions, NUMBER, options=NumberOptions(retention_days=0))
    [moved] = service.list_recordings(sessions)
    assert moved.delete_after_utc == T0
    assert [d.id for d in run_retention(sessions, T0 + timedelta(minutes=1))] == [recorded.id]
    assert not Path(recorded.path).exists() and service.list_recordings(sessions) == []


def test_a_file_that_cannot_go_keeps_its_row_and_others_still_go(sessions, recorded, tmp_path) -> None:  # noqa: ANN001
    blocked = tmp_path / "not-a-file.wav"
    blocked.mkdir()  # unlink() fails on a directory, even for root
    other = service.add_recording(sessions, "call-2", NUMBER, blocked, 0.5, T0 - timedelta(days=1))
    with capture_logs() as logs:
        deleted = run_retention(sessions, T0 + timedelta(days=8))
    assert [d.id for d in deleted] == [recorded.id]
    assert [r.id for r in service.list_recordings(sessions)] == [other.id]
    assert [(e["event"], e["recording_id"]) for e in logs] == [
        ("recording deleted", recorded.id), ("recording not deleted; will retry", other.id)]
    with pytest.raises(service.RecordingError, match=f"recording {other.id}: cannot delete"):
        service.delete_recording(sessions, other.id)
