"""The sipp scenarios against each other, no server: a scenario that cannot complete a
call with its direct counterpart would make a server test fail for the wrong reason,
and a guard that never fires would make one pass for the wrong reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from .sipp import CALLER, FIRST_TARGET, HOST, SCENARIOS, SECOND_TARGET, run_pair

PAIRS = [
    # (uas, uac, dialled number)
    ("uas-answer", "uac-invite-answered", FIRST_TARGET),
    ("uas-answer-then-bye", "uac-invite-callee-bye", FIRST_TARGET),
    ("uas-busy", "uac-invite-expect-486", FIRST_TARGET),
    ("uas-ring-no-answer-expect-cancel", "uac-cancel-while-ringing", FIRST_TARGET),
    ("uas-busy-first-answer-second", "uac-invite-expect-486", FIRST_TARGET),
    ("uas-busy-first-answer-second", "uac-invite-answered", SECOND_TARGET),
    ("uas-ring-first-answer-second", "uac-cancel-while-ringing", FIRST_TARGET),
    ("uas-ring-first-answer-second", "uac-invite-answered", SECOND_TARGET),
]


@pytest.mark.parametrize(("uas", "uac", "dialled"), PAIRS)
def test_scenario_pair_completes_directly(sipp, uas, uac, dialled):
    phone = sipp(uas, duration_ms=200, timeout=20)
    dialler = sipp(uac, remote=f"{HOST}:{phone.local_port}", service=dialled,
                   duration_ms=200, timeout=20)
    uas_result, uac_result = run_pair(uas=phone, uac=dialler)
    uac_result.assert_ok(1)
    uas_result.assert_ok(1)


def _anonymous_caller(tmp_path: Path, *, extra_header: str = "") -> Path:
    text = (SCENARIOS / "uac-invite-hidden.xml").read_text()
    text = text.replace(f'"Test Caller" <sip:{CALLER}@[local_ip];user=phone>',
                        '"Anonymous" <sip:anonymous@anonymous.invalid>')
    text = text.replace("Privacy: id\n", f"Privacy: id\n{extra_header}")
    path = tmp_path / "uac-anonymous.xml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(("caller", "passes"), [
    ("anonymous", True),
    ("number-in-from", False),
    ("number-in-p-asserted-identity", False),
])
def test_hidden_caller_guard_fails_the_call_when_the_number_leaks(sipp, tmp_path, caller,
                                                                   passes):
    if caller == "anonymous":
        scenario = _anonymous_caller(tmp_path)
    elif caller == "number-in-from":
        scenario = SCENARIOS / "uac-invite-hidden.xml"
    else:
        scenario = _anonymous_caller(
            tmp_path, extra_header=f"      P-Asserted-Identity: <tel:{CALLER}>\n")
    assert (CALLER in scenario.read_text()) is not passes
    phone = sipp("uas-answer-expect-anonymous", timeout=10)
    dialler = sipp(scenario, remote=f"{HOST}:{phone.local_port}", service=SECOND_TARGET,
                   duration_ms=200, timeout=10)
    uas_result, _ = run_pair(uas=phone, uac=dialler)
    if passes:
        uas_result.assert_ok(1)
    else:
        assert uas_result.failed >= 1 and uas_result.returncode != 0, uas_result.describe()
        assert "Regexp matched but should not" in uas_result.errors, uas_result.errors
