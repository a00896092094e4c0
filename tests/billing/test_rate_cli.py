"""`ringto billing rate`: CSV in, JSON lines out, errors with the file's line number."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ringto.billing import parallel
from ringto.billing.parallel import rate_file
from ringto.billing.tariffs import STANDARD
from ringto.calls.cdr import EXPORT_COLUMNS
from ringto.cli import main

ROW = {
    "call_id": "c1",
    "service_number": "+31201234567",
    "caller": "+31612345678",
    "caller_ip": "192.0.2.1",
    "start_utc": "2026-11-24T17:59:10.000Z",
    "answer_utc": "2026-11-24T17:59:18.500Z",
    "end_utc": "2026-11-24T18:00:19.700Z",
    "duration_s": "61.200",
    "disposition": "answered",
    "sip_code": "200",
    "ring_to": "+31611111111",
    "access_network_info": "",
    "user_agent": "phone, with comma",
}


def write_csv(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = EXPORT_COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path: Path, *extra: str):  # noqa: ANN201 - click Result
    return CliRunner().invoke(main, ["billing", "rate", "--cdrs", str(path), "--json", *extra])


def test_rates_each_record_in_order_then_a_summary(tmp_path: Path) -> None:
    rows = [
        ROW,
        {
            **ROW,
            "call_id": 'quoted "id"',
            "answer_utc": "",
            "end_utc": "2026-11-24T17:59:20.000Z",
            "disposition": "no-answer",
            "user_agent": "two\nlines",
        },
        {**ROW, "call_id": "zero", "end_utc": ROW["answer_utc"]},
        {**ROW, "call_id": "interrupted", "disposition": "interrupted"},
    ]
    result = run(write_csv(tmp_path / "in.csv", rows))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert lines[0] == {
        "call_id": "c1",
        "billed_s": 62,
        "day_s": "41.500",
        "offpeak_s": "20.500",
        "charge": "0.105500",
    }
    assert lines[1] == {
        "call_id": 'quoted "id"',
        "billed_s": 0,
        "day_s": "0.000",
        "offpeak_s": "0.000",
        "charge": "0.000000",
    }
    assert lines[2]["charge"] == "0.040000"
    assert lines[3]["charge"] == "0.105500"
    assert lines[4] == {"calls": 4, "charged_calls": 3, "total": "0.25"}  # 0.2510 exact


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"answer_utc": "yesterday"}, "line 4: answer_utc 'yesterday' is not an ISO 8601 time"),
        ({"end_utc": "2026-11-24T17:59:00.000Z"}, "line 4: the call ends before it was answered"),
        ({"service_number": "+3100"}, "line 4: service number '+3100' is not a valid phone number"),
        ({"start_utc": "2026-13-01T00:00:00Z"}, "line 4: start_utc"),
    ],
)
def test_a_bad_row_names_its_line_and_exits_2(tmp_path: Path, change: dict, message: str) -> None:
    # Line 2 holds a record spanning two lines, so the bad record starts on line 4.
    rows = [{**ROW, "user_agent": "a\nb"}, {**ROW, **change}]
    result = run(write_csv(tmp_path / "bad.csv", rows))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_columns_and_short_rows_are_reported(tmp_path: Path) -> None:
    columns = tuple(c for c in EXPORT_COLUMNS if c != "end_utc")
    result = run(write_csv(tmp_path / "cols.csv", [ROW], columns))
    assert result.exit_code == 2 and "line 1: missing column(s) end_utc" in result.output
    short = tmp_path / "short.csv"
    short.write_text(",".join(EXPORT_COLUMNS) + "\r\nc1,+31201234567\r\n", encoding="utf-8")
    result = run(short)
    assert result.exit_code == 2 and "line 2: expected 13 fields as in the header, found 2" in result.output


def test_unknown_tariff_and_missing_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", [ROW])
    assert "unknown tariff 'gold'" in run(path, "--tariff", "gold").output
    assert run(tmp_path / "absent.csv").exit_code == 2


def _rows(count: int) -> list[dict[str, str]]:
    return [
        {**ROW, "call_id": f"c{i}", "user_agent": 'multi\n"line", agent' if i % 3 else ""}
        for i in range(count)
    ]


def test_several_processes_print_exactly_what_one_prints(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    path = write_csv(tmp_path / "many.csv", _rows(300))
    outputs = []
    for jobs in (1, 2, 3):
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
        summary = rate_file(str(path), out, STANDARD, jobs)
        out.flush()
        outputs.append((out.buffer.getvalue(), summary))
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0][1].calls == 300


def test_errors_in_a_later_chunk_name_the_files_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    rows = _rows(300)
    rows[250] = {**rows[250], "end_utc": "soon"}
    path = write_csv(tmp_path / "late.csv", rows)
    # Rows with i % 3 != 0 take two lines: line of record 250 = 2 + 250 + (records before it that wrap).
    expected = 2 + 250 + sum(1 for i in range(250) if i % 3)
    result = run(path, "--jobs", "2")
    assert result.exit_code == 2
    assert f"line {expected}: end_utc 'soon'" in result.output


def test_a_tariff_file_is_tried_before_it_goes_live(tmp_path: Path) -> None:
    tariff = tmp_path / "night.toml"
    tariff.write_text(
        'name = "night"\n[[versions]]\neffective_from = 2026-01-01\nstart_fee = "0.03"\n'
        'day_per_minute = "0.08"\noffpeak_per_minute = "0.02"\n',
        encoding="utf-8",
    )
    result = run(write_csv(tmp_path / "in.csv", [ROW]), "--tariff", str(tariff))
    assert result.exit_code == 0, result.output
    # 0.03 + 41.5 s x 0.08/60 + 20.5 s x 0.02/60 = 0.03 + 0.0553333.. + 0.0068333.. = 0.0921666..
    assert json.loads(result.output.splitlines()[0])["charge"] == "0.092167"
    tariff.write_text(
        '[[versions]]\neffective_from = 2026-01-01\nstart_fee = "0.0000000000001"\n'
        'day_per_minute = "0.08"\noffpeak_per_minute = "0.02"\n',
        encoding="utf-8",
    )
    bad = run(write_csv(tmp_path / "in.csv", [ROW]), "--tariff", str(tariff))
    assert bad.exit_code == 2 and "more decimals than billing can hold exactly" in bad.output
    tariff.write_text("[[versions]]\neffective_from = 2026-01-01\n", encoding="utf-8")
    assert "missing field start_fee" in run(tmp_path / "in.csv", "--tariff", str(tariff)).output


def test_a_byte_order_mark_from_a_spreadsheet_is_ignored(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bom.csv", [ROW])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = run(path)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.splitlines()[0])["charge"] == "0.105500"
