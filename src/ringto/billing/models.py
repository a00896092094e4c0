"""Tables of the billing domain (F12-F15).

Money columns are Numeric with enough decimals for exact rates (6) or whole cents (2);
`invoices.lines` is JSON because an issued invoice is read whole and never changes.
Customer billing fields (country, VAT number, business flag, standard rates from a
date) are columns on `customers`, added by this domain's migration.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ringto.store.base import Base
from ringto.store.types import UtcDateTime

RATE = Numeric(14, 6)
AMOUNT = Numeric(14, 2)


class TariffVersionRow(Base):
    """One version of a named tariff; see `tariffs.TariffVersion`."""

    __tablename__ = "tariff_versions"
    __table_args__ = (UniqueConstraint("name", "effective_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    effective_from: Mapped[date] = mapped_column(Date)
    start_fee: Mapped[Decimal] = mapped_column(RATE)
    day_per_minute: Mapped[Decimal] = mapped_column(RATE)
    offpeak_per_minute: Mapped[Decimal] = mapped_column(RATE)
    day_start_minute: Mapped[int] = mapped_column(Integer, default=8 * 60)
    day_end_minute: Mapped[int] = mapped_column(Integer, default=19 * 60)


class DestinationRate(Base):
    """Foreign forwarding: per-minute price of the outbound leg to a number prefix."""

    __tablename__ = "destination_rates"
    __table_args__ = (UniqueConstraint("prefix", "effective_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16))
    per_minute: Mapped[Decimal] = mapped_column(RATE)
    effective_from: Mapped[date] = mapped_column(Date)


class PremiumMaximum(Base):
    """The most a holder may charge callers on a premium number type (0900, 0906, 0909)."""

    __tablename__ = "premium_maxima"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    max_per_call: Mapped[Decimal] = mapped_column(RATE)
    max_per_minute: Mapped[Decimal] = mapped_column(RATE)


class PremiumTariff(Base):
    """What callers of one premium number pay, from a date (set by the holder)."""

    __tablename__ = "premium_tariffs"
    __table_args__ = (UniqueConstraint("number_e164", "effective_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number_e164: Mapped[str] = mapped_column(String(16))
    per_call: Mapped[Decimal] = mapped_column(RATE)
    per_minute: Mapped[Decimal] = mapped_column(RATE)
    effective_from: Mapped[date] = mapped_column(Date)


class Fee(Base):
    """A shop order line: a monthly number fee (pro rata in its first month) or a one-off fee."""

    __tablename__ = "billing_fees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    number_e164: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))  # "monthly" or "one-off"
    description: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


class FairUseMonth(Base):
    """A customer's fair-use outcome for one month, kept so the 3-of-6 rule can look back."""

    __tablename__ = "fair_use_months"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    calls: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    above: Mapped[bool] = mapped_column(Boolean)
    heavy: Mapped[bool] = mapped_column(Boolean)


class StaffTask(Base):
    """Something staff must do in the back office, e.g. call a heavy user."""

    __tablename__ = "staff_tasks"
    __table_args__ = (UniqueConstraint("customer_id", "kind", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    month: Mapped[str] = mapped_column(String(7))
    note: Mapped[str] = mapped_column(Text)
    created_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    done_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PayoutHold(Base):
    """Premium-rate payouts on hold; `number_e164` None holds all the customer's numbers."""

    __tablename__ = "payout_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    number_e164: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    held_by: Mapped[str] = mapped_column(String(200))
    held_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    released_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    released_by: Mapped[str | None] = mapped_column(String(200))


class Payout(Base):
    """A month's payout of one premium number: paid on an invoice, or held until released."""

    __tablename__ = "payouts"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    number_e164: Mapped[str] = mapped_column(String(16), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    invoice_number: Mapped[str | None] = mapped_column(String(16))


class InvoiceCounter(Base):
    """The last invoice number issued in a year; its row lock makes numbering gapless."""

    __tablename__ = "invoice_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Invoice(Base):
    """An issued invoice or credit note; never updated once written."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # "invoice" or "credit-note"
    # "<customer id>:<month>" for a month's invoice, so a rerun cannot issue it twice.
    billing_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    credits_number: Mapped[str | None] = mapped_column(String(16))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    issued_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    language: Mapped[str] = mapped_column(String(8))
    net: Mapped[Decimal] = mapped_column(AMOUNT)
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    vat: Mapped[Decimal] = mapped_column(AMOUNT)
    payouts: Mapped[Decimal] = mapped_column(AMOUNT)
    total: Mapped[Decimal] = mapped_column(AMOUNT)
    vat_note: Mapped[str | None] = mapped_column(Text)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
