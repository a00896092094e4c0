"""When a recording must be deleted: its creation plus the owner's retention days (F6, F24)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Recording


def delete_after(created_utc: datetime, retention_days: int) -> datetime:
    """The moment a recording made at `created_utc` is past its retention."""
    return created_utc + timedelta(days=retention_days)


def reschedule(session: Session, service_number: str, retention_days: int) -> int:
    """Move the deletion time of every recording of `service_number` to its new retention.

    An owner who shortens retention expects older recordings to go at the next run,
    not to linger under the old promise; returns how many moved."""
    rows = session.scalars(select(Recording).where(Recording.service_number == service_number)).all()
    for row in rows:
        row.delete_after_utc = delete_after(row.created_utc, retention_days)
    return len(rows)
