"""Building a billing scenario in a real database: customers, numbers, answered calls."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ringto.calls.cdr import CallRecord
from ringto.calls.csv_import import import_records
from ringto.numbers.e164 import number_type, region_of
from ringto.numbers.models import Customer, ServiceNumber

SEPTEMBER = datetime(2026, 9, 1, tzinfo=UTC)


def customer(session: Session, name: str, **fields: object) -> Customer:
    row = Customer(name=name, language=fields.pop("language", "en"), created=SEPTEMBER, **fields)
    session.add(row)
    session.flush()
    return row


def number(session: Session, owner: Customer, e164: str, created: datetime = SEPTEMBER) -> ServiceNumber:
    row = ServiceNumber(
        e164=e164,
        customer_id=owner.id,
        region=region_of(e164),
        number_type=number_type(e164),
        strategy="sequential",
        ring_time_s=20.0,
        suspended=False,
        created=created,
        updated=created,
    )
    session.add(row)
    session.flush()
    return row


def calls(
    engine: Engine,
    e164: str,
    answers: list[datetime],
    seconds: float = 60.0,
    ring_to: str | None = None,
    tag: str = "",
) -> None:
    """Answered calls of `seconds` each to `e164`, answered at `answers`."""
    records = [
        CallRecord(
            call_id=f"{e164}-{tag}{i}",
            sip_call_id="x",
            service_number=e164,
            caller="+31612345678",
            caller_ip=None,
            caller_port=None,
            start=at - timedelta(seconds=5),
            answer=at,
            end=at + timedelta(seconds=seconds),
            disposition="answered",
            sip_code=200,
            ring_to=ring_to,
        )
        for i, at in enumerate(answers)
    ]
    import_records(engine, records)


def weekday_noons(count: int, month: int = 10) -> list[datetime]:
    """`count` answer times on working-day middays (day rate) of 2026-`month`, 1 min apart."""
    first = {9: date(2026, 9, 1), 10: date(2026, 10, 1), 11: date(2026, 11, 2)}[month]
    return [
        datetime(first.year, first.month, first.day, 10, 0, tzinfo=UTC) + timedelta(minutes=i)
        for i in range(count)
    ]
