"""Recordings as owners and operators handle them: store, list, fetch as WAV or MP3, delete (F6, F16).

Deleting is always file first, then row: if the file cannot be removed the row stays,
so the recording is still listed and the next attempt (or retention run) retries it;
a row is never left pointing at nothing the operator could not see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ringto.numbers.models import ServiceNumber

from .export import FORMATS, write_mp3, write_wav
from .models import Recording
from .schedule import delete_after

SessionFactory = Callable[[], Session]


class RecordingError(ValueError):
    """A recording that does not exist, or a request we cannot serve; the message says which."""


@dataclass(frozen=True, slots=True)
class RecordingInfo:
    """A recording as its owner sees it."""

    id: int
    call_id: str
    service_number: str
    path: str
    format: str
    duration_s: float
    created_utc: datetime
    delete_after_utc: datetime

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, times as ISO 8601 UTC."""
        data = asdict(self)
        for key in ("created_utc", "delete_after_utc"):
            data[key] = data[key].isoformat(timespec="seconds").replace("+00:00", "Z")
        return data


def info_of(row: Recording) -> RecordingInfo:
    return RecordingInfo(row.id, row.call_id, row.service_number, row.path, row.format,
                         row.duration_s, row.created_utc, row.delete_after_utc)


def recording_path(data_dir: Path, service_number: str, call_id: str, now: datetime) -> Path:
    """Where the recording of call `call_id` is written: one folder per number and month."""
    return data_dir / "recordings" / service_number.lstrip("+") / f"{now:%Y-%m}" / f"{call_id}.wav"


def add_recording(session_factory: SessionFactory, call_id: str, service_number: str, path: Path,
                  duration_s: float, now: datetime) -> RecordingInfo:
    """Register a finished recording, due for deletion after its number's retention days."""
    with session_factory() as session, session.begin():
        days = session.scalar(select(ServiceNumber.retention_days)
                              .where(ServiceNumber.e164 == service_number))
        if days is None:
            raise RecordingError(f"{service_number} is not a configured service number")
        row = Recording(call_id=call_id, service_number=service_number, path=str(path), format="wav",
                        duration_s=duration_s, created_utc=now, delete_after_utc=delete_after(now, days))
        session.add(row)
        session.flush()
        return info_of(row)


def list_recordings(
    session_factory: SessionFactory, service_number: str | None = None,
) -> list[RecordingInfo]:
    """All recordings (of one number), oldest first."""
    query = select(Recording).order_by(Recording.created_utc, Recording.id)
    if service_number is not None:
        query = query.where(Recording.service_number == service_number)
    with session_factory() as session:
        return [info_of(row) for row in session.scalars(query)]


def _load(session: Session, recording_id: int) -> Recording:
    row = session.get(Recording, recording_id)
    if row is None:
        raise RecordingError(f"recording {recording_id} does not exist (see `ringto recordings list`)")
    return row


def export_recording(session_factory: SessionFactory, recording_id: int, fmt: str, out: Path) -> Path:
    """Write recording `recording_id` to `out` as WAV or MP3."""
    if fmt not in FORMATS:
        raise RecordingError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
    with session_factory() as session:
        source = Path(_load(session, recording_id).path)
    if not source.is_file():
        raise RecordingError(f"recording {recording_id}: its file {source} is missing")
    (write_mp3 if fmt == "mp3" else write_wav)(source, out)
    return out


def forget(session: Session, row: Recording) -> None:
    """Delete the recording's file, then its row (a file already gone is fine); OSError keeps both."""
    Path(row.path).unlink(missing_ok=True)
    session.delete(row)


def delete_recording(session_factory: SessionFactory, recording_id: int) -> RecordingInfo:
    """Permanently delete a recording: file and row."""
    with session_factory() as session, session.begin():
        row = _load(session, recording_id)
        info = info_of(row)
        try:
            forget(session, row)
        except OSError as exc:
            raise RecordingError(f"recording {recording_id}: cannot delete {row.path}: {exc}") from exc
    return info
