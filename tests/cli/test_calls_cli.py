"""`ringto calls list` and `ringto calls export --csv` over records the writer stored."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ringto.calls.cdr import EXPORT_COLUMNS
from ringto.calls.records import RecordWriter
from ringto.store.db import make_engine
from tests.store.helpers import answered, started

from .conftest import Invoke


def _store_calls(url: str) -> list:
    engine = make_engine(url)
    writer = RecordWriter(engine, "node-cli", batch_ms=1)
    writer.start()
    hidden = answered(started(0))  # even n: caller hidden
    shown = answered(started(1))
    shown.user_agent = 'Phone "X", v2'  # needs RFC 4180 quoting
    ringing = started(3)
    for rec in (hidden, shown):
        writer.call_ended(rec)
    writer.call_started(ringing)
    writer.close()
    engine.dispose()
    return [hidden, shown, ringing]


def test_export_csv_header_order_and_formats(ringto: Invoke, db_url: str, tmp_path: Path) -> None:
    ringto("db", "upgrade")
    hidden, shown, ringing = _store_calls(db_url)
    result = ringto("calls", "export", "--csv")
    assert result.exit_code == 0
    data = result.stdout_bytes.decode()
    assert data.startswith(",".join(EXPORT_COLUMNS) + "\r\n")
    assert data.count("\r\n") == 4 and "\n" not in data.replace("\r\n", "")
    rows = list(csv.DictReader(io.StringIO(data, newline="")))
    assert [r["call_id"] for r in rows] == [hidden.call_id, shown.call_id, ringing.call_id]
    first = rows[0]
    assert first["caller"] == "" and first["service_number"] == "+318000200000"
    assert first["start_utc"] == "2026-11-25T10:00:00.123Z"
    assert first["answer_utc"] == "2026-11-25T10:00:04.124Z"
    assert first["end_utc"] == "2026-11-25T10:01:05.581Z"
    assert first["duration_s"] == "61.457" and first["sip_code"] == "200"
    assert first["ring_to"] == "+31201234567" and first["disposition"] == "answered"
    assert rows[1]["caller"] == "+31201234567" and rows[1]["user_agent"] == 'Phone "X", v2'
    assert '"Phone ""X"", v2"' in data
    assert rows[2]["end_utc"] == "" and rows[2]["duration_s"] == ""
    out = tmp_path / "calls.csv"
    assert ringto("calls", "export", "--csv", "--out", str(out)).exit_code == 0
    assert out.read_bytes() == result.stdout_bytes


def test_list_table_and_json(ringto: Invoke, db_url: str) -> None:
    ringto("db", "upgrade")
    hidden, shown, ringing = _store_calls(db_url)
    table = ringto("calls", "list").output
    assert "anonymous" in table and "61.457s" in table and "in-progress" in table
    assert "2026-11-25T10:00:00.123Z" in table
    calls = json.loads(ringto("calls", "list", "--json", "--limit", "2").output)
    assert [c["call_id"] for c in calls] == [ringing.call_id, shown.call_id]
    assert set(calls[1]) == {*EXPORT_COLUMNS, "attempts", "steps", "end_reason"}
    assert calls[1]["attempts"][0] == {
        "target": "+31612345678", "start_utc": "2026-11-25T10:00:00.125Z",
        "end_utc": "2026-11-25T10:00:04.125Z", "sip_code": 486, "outcome": "busy",
    }
    only = json.loads(ringto("calls", "list", "--json", "--number", "010 200 0000").output)
    assert only == []
    bad = ringto("calls", "list", "--number", "nope")
    assert bad.exit_code == 1 and "'nope' is not a valid phone number" in bad.output
