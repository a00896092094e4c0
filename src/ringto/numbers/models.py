"""Tables of the numbers domain: customers, their service numbers and ring-to targets (F1, F4)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ringto.store.base import Base
from ringto.store.types import UtcDateTime


class Customer(Base):
    """The number owner; the name is unique because the CLI addresses customers by it."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(8), default="en")
    created: Mapped[datetime] = mapped_column(UtcDateTime)
    # Billing fields (added by migration 0003_billing): VAT and fair use depend on them.
    country: Mapped[str] = mapped_column(String(2), default="NL", server_default="NL")
    vat_number: Mapped[str | None] = mapped_column(String(32))
    is_business: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    standard_rates_from: Mapped[date | None] = mapped_column(Date)


class ServiceNumber(Base):
    """A number callers dial, stored as E.164 and typed with libphonenumber's data."""

    __tablename__ = "service_numbers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    e164: Mapped[str] = mapped_column(String(16), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    region: Mapped[str] = mapped_column(String(2))
    number_type: Mapped[str] = mapped_column(String(32))
    strategy: Mapped[str] = mapped_column(String(16), default="sequential")
    ring_time_s: Mapped[float] = mapped_column(Float, default=20.0)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[datetime] = mapped_column(UtcDateTime)
    updated: Mapped[datetime] = mapped_column(UtcDateTime)
    # Call flows (F6-F8): `flow` None means "forward to the targets" (flows.default_flow).
    flow: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    record: Mapped[bool] = mapped_column(Boolean, default=False)
    retention_days: Mapped[int] = mapped_column(Integer, default=30)
    voicemail_email: Mapped[str | None] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(2), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")

    customer: Mapped[Customer] = relationship(lazy="joined")
    targets: Mapped[list[RingTarget]] = relationship(
        order_by="RingTarget.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class RingTarget(Base):
    """One ring-to number of a service number; `position` is the order sequential rings in."""

    __tablename__ = "ring_targets"
    __table_args__ = (UniqueConstraint("number_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number_id: Mapped[int] = mapped_column(ForeignKey("service_numbers.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    e164: Mapped[str] = mapped_column(String(16))
