"""Tables of the fraud domain: cases, the measures taken, and the notices to customers.

A case is one suspicion about one subject (a caller on a number, a source IP, a service
number), kept open while alerts keep coming; `call_ids` is the evidence, capped so a
flood cannot grow a row without bound. A measure row is both the switch the call engine
reads (active while `lifted_utc` is null and `expires_utc` not passed) and the log of
who applied and who lifted it. Notices are queued warning emails: delivery belongs to
the mail issue, which will send rows with a null `sent_utc`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ringto.store.base import Base
from ringto.store.types import UtcDateTime

MAX_EVIDENCE = 500


class FraudCase(Base):
    __tablename__ = "fraud_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(String(200), index=True)
    number_e164: Mapped[str | None] = mapped_column(String(16))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    source: Mapped[str] = mapped_column(String(16))
    first_seen_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    alerts: Mapped[int] = mapped_column(Integer, default=1)
    call_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    opened_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(200))


class FraudMeasure(Base):
    __tablename__ = "fraud_measures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("fraud_cases.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    number_e164: Mapped[str | None] = mapped_column(String(16))
    caller: Mapped[str | None] = mapped_column(String(32))
    source_ip: Mapped[str | None] = mapped_column(String(64))
    hold_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    applied_by: Mapped[str] = mapped_column(String(200))
    applied_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lifted_by: Mapped[str | None] = mapped_column(String(200))
    lifted_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class FraudNotice(Base):
    __tablename__ = "fraud_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("fraud_measures.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    to_address: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    queued_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
