"""`ringto db`, `ringto demo` and `ringto number ...` as an operator uses them."""

from __future__ import annotations

import json

from .conftest import Invoke


def test_commands_refuse_an_unmigrated_database(ringto: Invoke) -> None:
    result = ringto("number", "list")
    assert result.exit_code == 1
    assert "not migrated" in result.output and "ringto db upgrade" in result.output
    assert ringto("db", "upgrade").exit_code == 0
    assert ringto("number", "list").exit_code == 0


def test_demo_is_idempotent(ringto: Invoke) -> None:
    first = ringto("demo")
    assert first.exit_code == 0 and "3 number(s) added" in first.output
    second = ringto("demo")
    assert second.exit_code == 0 and "nothing added" in second.output
    numbers = json.loads(ringto("number", "list", "--json").output)
    assert [(n["e164"], n["strategy"], n["targets"]) for n in numbers] == [
        ("+31102000000", "simultaneous", ["+31201234567", "+31612345678"]),
        ("+31202000000", "sequential", ["+31201234567", "+31612345678"]),
        ("+318000200000", "sequential", ["+31201234567", "+31612345678"]),
    ]
    flow = json.loads(ringto("number", "flow", "show", "+31202000000").stdout)
    assert flow["hours"]["open"]["record"]["next"]["menu"]["choices"]["2"] == {
        "voicemail": {"max_s": 120, "silence_s": 5}}
    shown = json.loads(ringto("number", "show", "+31202000000", "--json").output)
    assert (shown["flow"], shown["record"], shown["language"]) == ("custom", True, "nl")


def test_add_list_show_update_suspend_remove(ringto: Invoke) -> None:
    ringto("db", "upgrade")
    added = ringto("number", "add", "0800 020 0000", "--forward", "020 123 4567,0612345678",
                   "--ring-time", "15", "--customer", "Acme")
    assert added.exit_code == 0 and "+318000200000" in added.output
    listing = ringto("number", "list").output
    assert "+318000200000" in listing and "toll_free" in listing and "Acme" in listing
    shown = json.loads(ringto("number", "show", "+31 800 020 0000", "--json").output)
    assert shown["targets"] == ["+31201234567", "+31612345678"] and shown["ring_time_s"] == 15
    ringto("number", "update", "08000200000", "--strategy", "simultaneous")
    assert ringto("number", "suspend", "08000200000").exit_code == 0
    shown = json.loads(ringto("number", "show", "08000200000", "--json").output)
    assert shown["suspended"] and shown["strategy"] == "simultaneous"
    assert ringto("number", "remove", "0800", "020", "0000").exit_code == 0
    assert json.loads(ringto("number", "list", "--json").output) == []


def test_bad_input_gives_a_clear_message(ringto: Invoke) -> None:
    ringto("db", "upgrade")
    bad = ringto("number", "add", "0800 12", "--forward", "0201234567")
    assert bad.exit_code == 1 and "'0800 12' is not a valid phone number" in bad.output
    bad_target = ringto("number", "add", "08000200000", "--forward", "12345")
    assert bad_target.exit_code == 1 and "'12345'" in bad_target.output
    ringto("number", "add", "08000200000", "--forward", "0201234567")
    duplicate = ringto("number", "add", "+318000200000", "--forward", "0201234567")
    assert duplicate.exit_code == 1 and "+318000200000 is already configured" in duplicate.output
    unknown = ringto("number", "show", "0102000000")
    assert unknown.exit_code == 1 and "+31102000000 is not a configured" in unknown.output
    assert "Traceback" not in bad.output + duplicate.output + unknown.output


def test_bad_setting_is_named(ringto: Invoke) -> None:
    for args in (("number", "list"), ("calls", "list"), ("db", "upgrade"), ("demo",)):
        result = ringto(*args, RINGTO_SIP_LISTEN="nonsense")
        assert result.exit_code == 1
        assert "RINGTO_SIP_LISTEN='nonsense'" in result.output


def test_flow_set_show_and_refusals(ringto: Invoke, tmp_path) -> None:  # noqa: ANN001
    ringto("db", "upgrade")
    added = ringto("number", "add", "0800 020 0000", "--forward", "020 123 4567", "--record",
                   "--retention-days", "7", "--voicemail-email", "owner@example.nl", "--language", "bg")
    assert added.exit_code == 0 and "recorded (7 days), bg" in added.output
    shown = json.loads(ringto("number", "flow", "show", "08000200000").stdout)
    assert shown == {"forward": {"targets": ["+31201234567"], "strategy": "sequential", "ring_time_s": 20.0}}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"menu": {"choices": {"1": {"forward": {"targets": ["+3120"]}}},
                                        "max_tries": 0}}))
    refused = ringto("number", "flow", "set", "0800", "020", "0000", str(bad))
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == [
        f"error: {bad}: menu.choices.1.forward: targets.0: '+3120': expected an E.164 number: "
        "+ then 6 to 15 digits, e.g. +31201234567",
        f"error: {bad}: menu: max_tries: 0 is less than the minimum of 1",
    ]
    bad.write_text('{"menu": {\n')
    broken = ringto("number", "flow", "set", "08000200000", str(bad))
    assert broken.exit_code == 2 and "line 2 column 1" in broken.stderr
    good = tmp_path / "good.json"
    flow = {"hours": {"week": {"mon": ["09:00-17:00"]}, "open": {"forward": {"targets": ["+31612345678"]}},
                      "closed": {"voicemail": {}}}}
    good.write_text(json.dumps(flow))
    assert ringto("number", "flow", "set", "08000200000", str(good)).exit_code == 0
    assert json.loads(ringto("number", "flow", "show", "+31", "800", "020", "0000").stdout) == flow
    shown = json.loads(ringto("number", "show", "08000200000", "--json").output)
    assert (shown["flow"], shown["record"], shown["language"], shown["voicemail_email"]) == (
        "custom", True, "bg", "owner@example.nl")
    assert ringto("number", "update", "08000200000", "--no-record").exit_code == 0
    assert not json.loads(ringto("number", "show", "08000200000", "--json").output)["record"]
