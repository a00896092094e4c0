"""The retention job: recordings past their owner's retention are deleted for good (F6, F24).

`ringto retention run` runs it once; `ringto serve` runs it every hour. Each deletion
is logged (structlog) with what went and why, the evidence that deletion is real.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Recording
from .service import RecordingInfo, forget, info_of

log = structlog.get_logger(__name__)
BATCH = 500


def run_retention(session_factory: Callable[[], Session], now: datetime) -> list[RecordingInfo]:
    """Delete (file and row) every recording due at `now`; returns what was deleted.

    Works in batches, one transaction each, so a huge backlog never holds one long
    transaction. A file that cannot be removed is logged as an error and its row kept
    (so it is retried on the next run) without stopping the others."""
    deleted: list[RecordingInfo] = []
    after_id = 0
    while True:
        with session_factory() as session, session.begin():
            rows = session.scalars(
                select(Recording).where(Recording.delete_after_utc <= now, Recording.id > after_id)
                .order_by(Recording.id).limit(BATCH)).all()
            for row in rows:
                info = _delete_one(session, row)
                if info is not None:
                    deleted.append(info)
        if len(rows) < BATCH:
            return deleted
        after_id = rows[-1].id


def _delete_one(session: Session, row: Recording) -> RecordingInfo | None:
    info = info_of(row)
    fields = {"recording_id": info.id, "call_id": info.call_id, "service_number": info.service_number,
              "path": info.path, "delete_after_utc": info.delete_after_utc.isoformat()}
    try:
        forget(session, row)
    except OSError as exc:
        log.error("recording not deleted; will retry", reason="retention", error=str(exc), **fields)
        return None
    log.info("recording deleted", reason="retention", created_utc=info.created_utc.isoformat(), **fields)
    return info
