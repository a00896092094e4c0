"""Conversions between `CallRecord` (what the engine fills in) and `call_records` rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Insert, literal_column, or_
from sqlalchemy.dialects import postgresql, sqlite

from ringto.calls.cdr import CallRecord, attempt_from_json, attempt_to_json
from ringto.calls.models import CallRecordRow, NodeRow

CALLS = CallRecordRow.__table__
IN_PROGRESS = "in-progress"
NODES = NodeRow.__table__


def row_of(rec: CallRecord, node_id: str) -> dict[str, Any]:
    """The column values for `rec` written by `node_id`."""
    return {
        "call_id": rec.call_id,
        "sip_call_id": rec.sip_call_id,
        "service_number": rec.service_number,
        "caller": rec.caller,
        "caller_ip": rec.caller_ip,
        "caller_port": rec.caller_port,
        "start_utc": rec.start,
        "answer_utc": rec.answer,
        "end_utc": rec.end,
        "disposition": rec.disposition,
        "sip_code": rec.sip_code,
        "ring_to": rec.ring_to,
        "attempts": [attempt_to_json(attempt) for attempt in rec.attempts],
        "access_network_info": rec.access_network_info,
        "user_agent": rec.user_agent,
        "steps": rec.steps,
        "end_reason": rec.end_reason,
        "node_id": node_id,
    }


def record_of(row: Any) -> CallRecord:
    """The `CallRecord` for a `call_records` row (ORM object or Core row)."""
    return CallRecord(
        call_id=row.call_id,
        sip_call_id=row.sip_call_id,
        service_number=row.service_number,
        caller=row.caller,
        caller_ip=row.caller_ip,
        caller_port=row.caller_port,
        start=row.start_utc,
        answer=row.answer_utc,
        end=row.end_utc,
        disposition=row.disposition,
        sip_code=row.sip_code,
        ring_to=row.ring_to,
        attempts=[attempt_from_json(data) for data in row.attempts or ()],
        access_network_info=row.access_network_info,
        user_agent=row.user_agent,
        steps=list(row.steps or ()),
        end_reason=row.end_reason,
    )


def upsert(engine: Engine, table: Any,
           where: Callable[[Any], ColumnElement[bool]] | None = None) -> Insert:
    """INSERT ... ON CONFLICT (primary key) DO UPDATE every other column, for executemany;
    `where(excluded)`, if given, says when a conflicting row may be updated."""
    dialect = sqlite if engine.dialect.name == "sqlite" else postgresql
    statement = dialect.insert(table)
    keys = [column.name for column in table.primary_key.columns]
    changes = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys}
    return statement.on_conflict_do_update(
        index_elements=keys, set_=changes, where=None if where is None else where(statement.excluded))


def upsert_calls(engine: Engine) -> Insert:
    """The call-record upsert, which never reopens a closed record.

    After a kill -9 the writer process may commit its last batch after the restarted node
    has closed that node's calls as interrupted, and a snapshot of a call in progress must
    not undo that. A closing snapshot still lands (it says how the call really ended).
    The literal is SQL, not a bind: RawUpsert's rows carry the columns only.
    """
    open_ = literal_column(f"'{IN_PROGRESS}'")
    return upsert(engine, CALLS,
                  lambda new: or_(CALLS.c.disposition == open_, new.disposition != open_))


class RawUpsert:
    """The call-record upsert as the driver takes it: SQL compiled once, rows as plain values.

    The record writer shares the GIL with the event loop, and SQLAlchemy's per-parameter
    bind processing (type decorators, datetime formatting, JSON) was most of the Python
    time it held it for. Here each row is one tuple (or dict) of values already in the
    form the column types would have produced: on SQLite naive UTC text with
    microseconds and JSON text, on PostgreSQL aware datetimes and JSON text. A test
    compares the stored values with those of the SQLAlchemy path on both databases.
    """

    def __init__(self, engine: Engine) -> None:
        compiled = upsert_calls(engine).compile(dialect=engine.dialect)
        self.sql = str(compiled)
        self._order = compiled.positiontup  # None for named parameters (psycopg)
        self._text_times = engine.dialect.name == "sqlite"

    def rows(self, records: list[CallRecord], node_id: str) -> list[Any]:
        values = [self._values(rec, node_id) for rec in records]
        if self._order is None:
            return values
        return [tuple(row[key] for key in self._order) for row in values]

    def call_id_of(self, row: Any) -> str:
        return row["call_id"] if self._order is None else row[self._order.index("call_id")]

    def execute(self, connection: Connection, rows: list[Any]) -> None:
        connection.exec_driver_sql(self.sql, rows)

    def _values(self, rec: CallRecord, node_id: str) -> dict[str, Any]:
        time = self._time
        return {
            "call_id": rec.call_id, "sip_call_id": rec.sip_call_id,
            "service_number": rec.service_number, "caller": rec.caller,
            "caller_ip": rec.caller_ip, "caller_port": rec.caller_port,
            "start_utc": time(rec.start), "answer_utc": time(rec.answer),
            "end_utc": time(rec.end), "disposition": rec.disposition, "sip_code": rec.sip_code,
            "ring_to": rec.ring_to,
            "attempts": json.dumps([attempt_to_json(attempt) for attempt in rec.attempts]),
            "access_network_info": rec.access_network_info, "user_agent": rec.user_agent,
            "steps": json.dumps(rec.steps), "end_reason": rec.end_reason, "node_id": node_id,
        }

    def _time(self, moment: datetime | None) -> datetime | str | None:
        if moment is None:
            return None
        if moment.tzinfo is None:
            raise ValueError(f"naive datetime {moment!r}: store times as aware UTC")
        if not self._text_times:
            return moment
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
