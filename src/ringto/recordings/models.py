"""The recordings table: one row per recorded call, pointing at its file (F6).

`delete_after_utc` is set from the number's retention days when the recording is
stored (and moved when the owner changes them), so the retention job is one indexed
range query.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ringto.store.base import Base
from ringto.store.types import UtcDateTime


class Recording(Base):
    """A recorded conversation (stereo WAV: caller left, callee right) and when it must go."""

    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), index=True)
    service_number: Mapped[str] = mapped_column(String(16), index=True)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(8), default="wav")
    duration_s: Mapped[float] = mapped_column(Float)
    created_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    delete_after_utc: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
