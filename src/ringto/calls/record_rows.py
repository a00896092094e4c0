"""Conversions between `CallRecord` (what the engine fills in) and `call_records` rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Insert
from sqlalchemy.dialects import postgresql, sqlite

from ringto.calls.cdr import CallRecord, attempt_from_json, attempt_to_json
from ringto.calls.models import CallRecordRow, NodeRow

CALLS = CallRecordRow.__table__
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


def upsert(engine: Engine, table: Any) -> Insert:
    """INSERT ... ON CONFLICT (primary key) DO UPDATE every other column, for executemany."""
    dialect = sqlite if engine.dialect.name == "sqlite" else postgresql
    statement = dialect.insert(table)
    keys = [column.name for column in table.primary_key.columns]
    changes = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys}
    return statement.on_conflict_do_update(index_elements=keys, set_=changes)
