"""`ringto calls import --csv`: round trip with export, idempotent, all-or-nothing."""

from __future__ import annotations

from pathlib import Path

from tests.billing.test_rate_cli import ROW, write_csv

from .conftest import Invoke


def test_import_then_export_round_trips_and_is_idempotent(ringto: Invoke, tmp_path: Path) -> None:
    ringto("db", "upgrade")
    rows = [ROW, {**ROW, "call_id": "c2", "answer_utc": "", "end_utc": "2026-11-24T17:59:20.000Z",
                  "duration_s": "", "disposition": "busy", "sip_code": "486", "ring_to": "",
                  "user_agent": 'multi\nline "agent"'}]
    path = write_csv(tmp_path / "in.csv", rows)
    first = ringto("calls", "import", "--csv", str(path))
    assert first.exit_code == 0 and "2 call(s) imported, 0 already stored" in first.output
    again = ringto("calls", "import", "--csv", str(path))
    assert "0 call(s) imported, 2 already stored" in again.output
    exported = ringto("calls", "export", "--csv").stdout_bytes
    assert exported == path.read_bytes()


def test_a_bad_row_stores_nothing_of_the_file(ringto: Invoke, tmp_path: Path) -> None:
    ringto("db", "upgrade")
    rows = [ROW, {**ROW, "call_id": "c2"}, {**ROW, "call_id": "c3", "answer_utc": "2026-11-24 lunch"}]
    result = ringto("calls", "import", "--csv", str(write_csv(tmp_path / "bad.csv", rows)))
    assert result.exit_code == 2
    assert "line 4: answer_utc '2026-11-24 lunch' is not an ISO 8601 time" in result.output
    assert ringto("calls", "export", "--csv").stdout_bytes.count(b"\r\n") == 1  # the header only
    dup = ringto("calls", "import", "--csv", str(write_csv(tmp_path / "dup.csv", [ROW, ROW])))
    assert dup.exit_code == 2 and "line 3: call_id 'c1' appears twice" in dup.output
