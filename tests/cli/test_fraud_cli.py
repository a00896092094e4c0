"""`ringto fraud`: reports become cases, measures are applied, listed and lifted by name,
and wrong input exits 2 naming what is wrong."""

from __future__ import annotations

import json

NUMBER = "0900 1234567"
E164 = "+319001234567"


def setup(ringto) -> None:
    assert ringto("db", "upgrade").exit_code == 0
    assert ringto("number", "add", NUMBER, "--forward", "020 1234567", "--customer", "acme").exit_code == 0


def test_report_with_time_zone_becomes_a_case(ringto) -> None:
    setup(ringto)
    result = ringto("fraud", "report", "--number", NUMBER, "--at", "2026-11-25T14:03+01:00",
                    "--evidence", "caller says the ad was misleading", "--call-id", "c-1", "--by", "eve")
    assert result.exit_code == 0, result.output
    assert "opened case 1" in result.output
    (case,) = json.loads(ringto("fraud", "cases", "--json").output)
    assert (case["category"], case["subject"], case["source"]) == ("reported_violation", E164, "report")
    assert case["first_seen"] == "2026-11-25T13:03:00Z" and case["call_ids"] == ["c-1"]
    assert case["customer_id"] == 1
    assert "eve" in case["summary"] and "misleading" in case["summary"]
    shown = ringto("fraud", "case", "show", "1")
    assert shown.exit_code == 0 and "reported_violation" in shown.output


def test_report_without_time_zone_is_refused(ringto) -> None:
    setup(ringto)
    result = ringto("fraud", "report", "--number", NUMBER, "--at", "2026-11-25 14:03",
                    "--evidence", "x")
    assert result.exit_code == 2
    assert "--at" in result.output and "time zone" in result.output


def test_measures_apply_list_and_lift(ringto) -> None:
    setup(ringto)
    assert ringto("fraud", "block", "06 12345678", "--number", NUMBER, "--by", "alice").exit_code == 0
    banned = ringto("fraud", "ban", "203.0.113.9", "--for", "15m", "--by", "alice")
    assert banned.exit_code == 0 and "until" in banned.output
    held = ringto("fraud", "measure", "apply", "hold_payouts", "--customer", "acme", "--by", "bob")
    assert held.exit_code == 0, held.output
    measures = json.loads(ringto("fraud", "measure", "list", "--active", "--json").output)
    assert [(m["kind"], m["caller"], m["source_ip"]) for m in measures] == [
        ("block_caller", "+31612345678", None), ("ban_ip", None, "203.0.113.9"),
        ("hold_payouts", None, None)]
    assert ringto("fraud", "measure", "lift", "1", "--by", "carol").exit_code == 0
    again = ringto("fraud", "measure", "lift", "1", "--by", "carol")
    assert again.exit_code == 2 and "already lifted by carol" in again.output
    active = json.loads(ringto("fraud", "measure", "list", "--active", "--json").output)
    assert [m["id"] for m in active] == [2, 3]


def test_wrong_input_names_the_problem(ringto) -> None:
    setup(ringto)
    cases = [
        (("fraud", "case", "show", "42"), "case 42 does not exist"),
        (("fraud", "measure", "apply", "block_caller", "--number", NUMBER), "give the caller"),
        (("fraud", "measure", "apply", "suspend_number", "--number", "0800 999"), "--number"),
        (("fraud", "ban", "203.0.113.9", "--for", "soon"), "15m"),
        (("fraud", "measure", "apply", "warn", "--customer", "nobody"), "customer 'nobody'"),
    ]
    for args, message in cases:
        result = ringto(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
