"""Issuing invoices and credit notes with gapless numbers per year (F15).

Numbers come from `invoice_counters`, one row per year. A batch of invoices is issued
in one transaction that first takes the counter row's lock (an INSERT/UPDATE: a write
lock on SQLite, a row lock on PostgreSQL), then skips drafts whose `billing_key` is
already issued, numbers the rest consecutively and writes them. A concurrent run waits
on that lock and then sees what the first one issued, so there are neither gaps (a
rolled-back transaction gives its numbers back) nor duplicates. Issued rows are never
updated: corrections are credit notes, numbered from the same sequence.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .models import Invoice, InvoiceCounter

SQLITE_LOCK_RETRIES = 20


@dataclass
class Draft:
    """An invoice before it has a number; `extra` writes go in the same transaction."""

    customer_id: int
    month: str
    language: str
    lines: list[dict[str, Any]]
    net: Decimal
    vat_rate: Decimal
    vat: Decimal
    payouts: Decimal
    total: Decimal
    vat_note: str | None
    billing_key: str | None
    kind: str = "invoice"
    credits_number: str | None = None
    extra: list[Callable[[Session, str], None]] = field(default_factory=list)


def format_number(year: int, sequence: int) -> str:
    return f"{year:04d}-{sequence:06d}"


def _lock_counter(session: Session, year: int) -> int:
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    counters = InvoiceCounter.__table__
    session.execute(dialect.insert(counters).values(year=year, last=0).on_conflict_do_nothing())
    session.execute(
        update(InvoiceCounter).where(InvoiceCounter.year == year).values(last=InvoiceCounter.last)
    )
    return session.scalar(select(InvoiceCounter.last).where(InvoiceCounter.year == year).with_for_update())


def _issue_batch(session: Session, drafts: list[Draft], now: datetime) -> list[str]:
    last = _lock_counter(session, now.year)
    keys = [d.billing_key for d in drafts if d.billing_key]
    done = (
        set(session.scalars(select(Invoice.billing_key).where(Invoice.billing_key.in_(keys))))
        if keys
        else set()
    )
    issued = []
    for draft in drafts:
        if draft.billing_key in done:
            continue
        last += 1
        number = format_number(now.year, last)
        session.add(
            Invoice(
                number=number,
                kind=draft.kind,
                billing_key=draft.billing_key,
                credits_number=draft.credits_number,
                customer_id=draft.customer_id,
                month=draft.month,
                issued_utc=now,
                language=draft.language,
                net=draft.net,
                vat_rate=draft.vat_rate,
                vat=draft.vat,
                payouts=draft.payouts,
                total=draft.total,
                vat_note=draft.vat_note,
                lines=draft.lines,
            )
        )
        for write in draft.extra:
            write(session, number)
        issued.append(number)
    session.execute(update(InvoiceCounter).where(InvoiceCounter.year == now.year).values(last=last))
    return issued


def issue(sessions: sessionmaker[Session], drafts: list[Draft], now: datetime | None = None) -> list[str]:
    """Issue the drafts not issued yet, in one transaction; returns the new numbers.

    SQLite gives up waiting for the write lock after its busy timeout; the batch is then
    retried from scratch (nothing of it was written), so a long concurrent run only
    delays this one.
    """
    moment = now or datetime.now(UTC)
    for attempt in range(SQLITE_LOCK_RETRIES):
        try:
            with sessions.begin() as session:
                return _issue_batch(session, drafts, moment)
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == SQLITE_LOCK_RETRIES - 1:
                raise
            time.sleep(0.05)
    return []


def credit_note(
    sessions: sessionmaker[Session], number: str, reason: str, now: datetime | None = None
) -> str:
    """A credit note cancelling invoice `number` in full; the invoice itself stays as issued."""
    with sessions() as session:
        original = session.scalar(select(Invoice).where(Invoice.number == number))
        if original is None or original.kind != "invoice":
            raise ValueError(f"no invoice numbered {number}")
        earlier = session.scalar(select(Invoice.number).where(Invoice.credits_number == number))
        if earlier is not None:
            raise ValueError(f"invoice {number} is already credited in full by {earlier}")
    lines = [
        {**line, "amount": str(-Decimal(line["amount"])), "description": f"{line['description']} (credited)"}
        for line in original.lines
    ]
    lines.append({"section": "note", "description": reason, "amount": "0.00"})
    draft = Draft(
        original.customer_id,
        original.month,
        original.language,
        lines,
        -original.net,
        original.vat_rate,
        -original.vat,
        -original.payouts,
        -original.total,
        original.vat_note,
        None,
        "credit-note",
        number,
    )
    return issue(sessions, [draft], now)[0]


def invoice_json(invoice: Invoice) -> dict[str, Any]:
    """An issued invoice as `ringto billing invoice show --json` prints it."""
    return {
        "number": invoice.number,
        "kind": invoice.kind,
        "credits": invoice.credits_number,
        "customer_id": invoice.customer_id,
        "month": invoice.month,
        "issued_utc": invoice.issued_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "language": invoice.language,
        "lines": invoice.lines,
        "net": f"{invoice.net:.2f}",
        "vat_rate": f"{invoice.vat_rate:.0f}",
        "vat": f"{invoice.vat:.2f}",
        "vat_note": invoice.vat_note,
        "payouts": f"{invoice.payouts:.2f}",
        "total": f"{invoice.total:.2f}",
    }


def find_invoice(engine: Engine, number: str) -> Invoice | None:
    with Session(engine) as session:
        return session.scalar(select(Invoice).where(Invoice.number == number))
