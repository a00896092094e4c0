"""`ringto simulate traffic` and the `scan` command (attached to `ringto fraud` by the lead)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ringto.calls.cdr import EXPORT_COLUMNS
from ringto.cli import main
from ringto.commands.fraud_scan import scan
from ringto.fraud.alert import CATEGORIES

FILES = ("cdrs.csv", "auth_failures.csv", "carrier_cdrs.csv", "numbers.csv", "labels.csv")


def simulate(out: Path, seed: int = 4, inject: str = "call_flooding,pbx_hacking,collusion") -> None:
    result = CliRunner().invoke(main, ["simulate", "traffic", "--days", "4", "--numbers", "30",
                                       "--inject", inject, "--seed", str(seed), "--out", str(out)])
    assert result.exit_code == 0, result.output


def run_scan(folder: Path, *extra: str) -> tuple[int, str, str]:
    args = ["--cdrs", str(folder / "cdrs.csv"), "--auth-failures", str(folder / "auth_failures.csv"),
            "--carrier-cdrs", str(folder / "carrier_cdrs.csv"), "--numbers", str(folder / "numbers.csv"),
            "--json", *extra]
    result = CliRunner().invoke(scan, args)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    simulate(out)
    return out


def test_simulate_writes_the_export_columns_and_is_reproducible(simulated: Path, tmp_path: Path) -> None:
    with (simulated / "cdrs.csv").open(newline="") as stream:
        assert tuple(next(csv.reader(stream))) == EXPORT_COLUMNS
    simulate(tmp_path / "again")
    simulate(tmp_path / "other", seed=5)
    for name in FILES:
        assert (simulated / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    assert (simulated / "cdrs.csv").read_bytes() != (tmp_path / "other" / "cdrs.csv").read_bytes()


def test_scan_prints_one_json_alert_per_line_matching_the_labels(simulated: Path) -> None:
    code, out, _err = run_scan(simulated)
    assert code == 0
    alerts = [json.loads(line) for line in out.splitlines()]
    assert alerts
    for alert in alerts:
        assert list(alert) == ["category", "subject", "call_ids", "first_seen", "last_seen", "severity"]
        assert alert["category"] in CATEGORIES and alert["severity"] in ("warning", "critical")
        assert alert["first_seen"].endswith("Z") and alert["first_seen"] <= alert["last_seen"]
    with (simulated / "labels.csv").open(newline="") as stream:
        labels = {row["id"]: row["category"] for row in csv.DictReader(stream)}
    flagged = {i: a["category"] for a in alerts for i in a["call_ids"]}
    flagged.update({a["subject"]: a["category"] for a in alerts if a["category"] == "pbx_hacking"})
    assert flagged == labels


def test_every_call_is_reported_under_one_category_only(simulated: Path) -> None:
    _code, out, _err = run_scan(simulated)
    ids = [i for line in out.splitlines() for i in json.loads(line)["call_ids"]]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("name", "line", "edit", "message"), [
    ("cdrs.csv", 3, lambda row: row.__setitem__(4, "yesterday"),
     "start_utc 'yesterday' is not an ISO 8601 time"),
    ("cdrs.csv", 2, lambda row: row.__setitem__(7, "long"), "duration_s 'long' is not a number"),
    ("cdrs.csv", 4, lambda row: row.__setitem__(4, "2026-10-01T10:00:00"), "has no time zone"),
    ("cdrs.csv", 2, lambda row: row.__delitem__(slice(5, None)), "5 fields, expected 13"),
    ("numbers.csv", 2, lambda row: row.__setitem__(2, "gold"), "type 'gold' is not one of"),
    ("auth_failures.csv", 2, lambda row: row.__setitem__(1, ""), "source_ip is empty"),
])
def test_bad_input_names_file_and_line_and_exits_2(simulated: Path, tmp_path: Path, name, line, edit,
                                                    message) -> None:
    for each in FILES:
        (tmp_path / each).write_bytes((simulated / each).read_bytes())
    with (tmp_path / name).open(newline="") as stream:
        rows = list(csv.reader(stream))
    edit(rows[line - 1])
    with (tmp_path / name).open("w", newline="") as stream:
        csv.writer(stream).writerows(rows)
    code, out, err = run_scan(tmp_path)
    assert code == 2 and out == ""
    assert f"{tmp_path / name}, line {line}: " in err and message in err
    assert "Traceback" not in err


def test_missing_file_and_wrong_header_exit_2(simulated: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(scan, ["--cdrs", str(tmp_path / "absent.csv"), "--json"])
    assert result.exit_code == 2 and "absent.csv" in result.stderr
    (tmp_path / "wrong.csv").write_text("id,number\n1,+31201234567\n")
    result = CliRunner().invoke(scan, ["--cdrs", str(tmp_path / "wrong.csv"), "--json"])
    assert result.exit_code == 2 and "wrong.csv, line 1: header must start with call_id," in result.stderr
