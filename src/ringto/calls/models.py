"""Tables of the calls domain: call detail records (F11) and node heartbeats.

Times are `UtcDateTime` (aware UTC, millisecond values round-trip on SQLite and
PostgreSQL). Strings that come off the wire are unbounded so a hostile header can
never make a record unwritable. `attempts` is JSON because it is read whole with its
call, never queried.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ringto.store.base import Base
from ringto.store.types import UtcDateTime


class CallRecordRow(Base):
    """One call, inserted when it starts (in-progress) and completed when it ends."""

    __tablename__ = "call_records"

    call_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sip_call_id: Mapped[str] = mapped_column(Text)
    service_number: Mapped[str] = mapped_column(String, index=True)
    caller: Mapped[str | None] = mapped_column(Text)
    caller_ip: Mapped[str | None] = mapped_column(String(45))
    caller_port: Mapped[int | None] = mapped_column(Integer)
    start_utc: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    answer_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    disposition: Mapped[str] = mapped_column(String(16), index=True)
    sip_code: Mapped[int | None] = mapped_column(Integer)
    ring_to: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    access_network_info: Mapped[str | None] = mapped_column(Text)
    user_agent: Mapped[str | None] = mapped_column(Text)
    steps: Mapped[list[str] | None] = mapped_column(JSON, default=list)  # None: older rows
    end_reason: Mapped[str | None] = mapped_column(String(32))
    node_id: Mapped[str] = mapped_column(String(64))


class NodeRow(Base):
    """A call-engine node's last sign of life; ends calls a crashed node left open."""

    __tablename__ = "nodes"

    node_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_alive_utc: Mapped[datetime] = mapped_column(UtcDateTime)
