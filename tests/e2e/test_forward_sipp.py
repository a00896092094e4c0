"""Forwarding, end to end: sipp calls a running `ringto serve`, a sipp UAS plays the trunk.

Each test checks the call record the server wrote (`ringto calls list --json`), not only
that sipp was happy: disposition, SIP code, ring-to number, times and the attempts.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable

import pytest

from .server import Ringto, blank, code_of, when
from .sipp import (
    CALLER,
    FIRST_TARGET,
    HOST,
    SECOND_TARGET,
    SERVICE_NUMBER,
    Sipp,
    run_pair,
)

MakeSipp = Callable[..., Sipp]


def trunk(ringto: Ringto, sipp: MakeSipp, scenario: str, **options) -> Sipp:
    """The ring-to phones: a sipp UAS on the server's trunk address."""
    return sipp(scenario, local_port=ringto.trunk_port, **options)


def caller(ringto: Ringto, sipp: MakeSipp, scenario: str, **options) -> Sipp:
    """The calling network: a sipp UAC dialling the service number at the server."""
    return sipp(scenario, remote=ringto.address, **options)


def call(ringto: Ringto, sipp: MakeSipp, uas: str, uac: str, *, legs: int = 1, calls: int = 1,
         uas_options: dict | None = None, **uac_options) -> None:
    """Run UAS (expecting `legs` INVITEs per call) and UAC; both must succeed fully."""
    uas_run = trunk(ringto, sipp, uas, calls=legs * calls, **(uas_options or {}))
    uac_run = caller(ringto, sipp, uac, calls=calls, **uac_options)
    uas_result, uac_result = run_pair(uas=uas_run, uac=uac_run)
    context = f"\n--- ringto serve log ---\n{ringto.log()}"
    assert uac_result.successful == calls and uac_result.failed == 0, \
        uac_result.describe() + context
    assert uas_result.successful == legs * calls and uas_result.failed == 0, \
        uas_result.describe() + context
    assert uac_result.returncode == 0 and uas_result.returncode == 0, \
        uac_result.describe() + uas_result.describe() + context


def assert_trunk_silent_while(ringto: Ringto, dialler: Sipp) -> None:
    """Run `dialler` (expecting one clean call) while a bare socket plays the trunk, which
    must receive nothing: the call was refused before any ring-to leg."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as trunk_socket:
        trunk_socket.bind((HOST, ringto.trunk_port))
        trunk_socket.settimeout(0.05)
        result = dialler.start().wait()
        assert result.successful == 1 and result.failed == 0, result.describe()
        try:
            leaked = trunk_socket.recv(65535)
        except TimeoutError:
            leaked = b""
    assert leaked == b"", leaked[:500]


def one_record(ringto: Ringto) -> dict:
    records = ringto.wait_calls(count=1)
    assert len(records) == 1, records
    return records[0]


def attempts(record: dict) -> list[tuple[str, str | None, int | None]]:
    """(target, outcome, sip_code) of each attempt, in the order they started."""
    ordered = sorted(record["attempts"], key=lambda a: when(a["start_utc"]))
    return [(a["target"], blank(a.get("outcome")), code_of(a.get("sip_code"))) for a in ordered]


def seconds(record: dict, start: str, end: str) -> float:
    return (when(record[end]) - when(record[start])).total_seconds()


def assert_answered(record: dict, *, ring_to: str, talk_s: float) -> None:
    assert record["disposition"] == "answered", record
    assert code_of(record["sip_code"]) == 200, record
    assert record["service_number"] == SERVICE_NUMBER, record
    assert record["ring_to"] == ring_to, record
    start, answer, end = when(record["start_utc"]), when(record["answer_utc"]), when(
        record["end_utc"])
    assert start is not None and answer is not None and end is not None, record
    assert start <= answer <= end, record
    duration = float(record["duration_s"])
    assert duration == pytest.approx(seconds(record, "answer_utc", "end_utc"), abs=0.01), record
    assert duration == pytest.approx(talk_s, abs=0.75), record


def test_answered_call_is_recorded_with_caller_ring_to_and_talk_time(ringto, sipp):
    call(ringto, sipp, "uas-answer", "uac-invite-answered", duration_ms=2000)

    record = one_record(ringto)
    assert_answered(record, ring_to=FIRST_TARGET, talk_s=2.0)
    assert record["caller"] == CALLER  # From had +31301234567;user=phone
    assert record["caller_ip"] == HOST
    assert record["user_agent"] == "ringto-e2e-sipp"
    assert record["access_network_info"] == "IEEE-802.11;i-wlan-node-id=ffffff"
    assert blank(record["call_id"]) is not None
    assert attempts(record) == [(FIRST_TARGET, "answered", 200)]
    (attempt,) = record["attempts"]
    assert when(attempt["end_utc"]) is None or when(attempt["end_utc"]) >= when(
        attempt["start_utc"])


def test_sequential_first_target_busy_second_answers(ringto, sipp):
    call(ringto, sipp, "uas-busy-first-answer-second", "uac-invite-answered", legs=2,
         duration_ms=1000)

    record = one_record(ringto)
    assert_answered(record, ring_to=SECOND_TARGET, talk_s=1.0)
    assert attempts(record) == [(FIRST_TARGET, "busy", 486), (SECOND_TARGET, "answered", 200)]


def test_sequential_no_answer_within_ring_time_tries_next_target(make_ringto, sipp):
    ringto = make_ringto(strategy="sequential", ring_time=2)
    call(ringto, sipp, "uas-ring-first-answer-second", "uac-invite-answered", legs=2,
         duration_ms=1000)

    record = one_record(ringto)
    assert_answered(record, ring_to=SECOND_TARGET, talk_s=1.0)
    (first, _, _), (second, second_outcome, second_code) = attempts(record)
    assert (first, second, second_outcome, second_code) == (
        FIRST_TARGET, SECOND_TARGET, "answered", 200)
    first_attempt = min(record["attempts"], key=lambda a: when(a["start_utc"]))
    assert first_attempt["outcome"] == "no-answer", record
    # The first target rang for the ring time, then the second one was tried.
    rang = (when(first_attempt["end_utc"]) - when(first_attempt["start_utc"])).total_seconds()
    assert rang == pytest.approx(2.0, abs=0.75), record


def test_simultaneous_ringing_one_answers_the_other_is_cancelled(make_ringto, sipp):
    ringto = make_ringto(strategy="simultaneous", ring_time=10)
    call(ringto, sipp, "uas-ring-first-answer-second", "uac-invite-answered", legs=2,
         duration_ms=1000)

    record = one_record(ringto)
    assert_answered(record, ring_to=SECOND_TARGET, talk_s=1.0)
    by_target = {a["target"]: a for a in record["attempts"]}
    assert set(by_target) == {FIRST_TARGET, SECOND_TARGET}, record
    assert by_target[SECOND_TARGET]["outcome"] == "answered", record
    assert code_of(by_target[SECOND_TARGET]["sip_code"]) == 200, record
    assert by_target[FIRST_TARGET]["outcome"] == "cancelled", record
    # Both rang at once: the legs started together, not one after the other.
    starts = [when(a["start_utc"]) for a in record["attempts"]]
    assert abs((starts[0] - starts[1]).total_seconds()) < 0.5, record


def test_all_targets_busy_caller_gets_486(ringto, sipp):
    call(ringto, sipp, "uas-busy", "uac-invite-expect-486", legs=2)

    record = one_record(ringto)
    assert record["disposition"] == "busy", record
    assert code_of(record["sip_code"]) == 486, record
    assert blank(record["answer_utc"]) is None and blank(record["duration_s"]) in (None, 0), record
    assert when(record["end_utc"]) >= when(record["start_utc"]), record
    assert attempts(record) == [(FIRST_TARGET, "busy", 486), (SECOND_TARGET, "busy", 486)]


def test_nobody_answers_caller_gets_480(make_ringto, sipp):
    ringto = make_ringto(strategy="sequential", ring_time=1)
    call(ringto, sipp, "uas-ring-no-answer-expect-cancel", "uac-invite-expect-480", legs=2)

    record = one_record(ringto)
    assert record["disposition"] == "no-answer", record
    assert code_of(record["sip_code"]) == 480, record
    assert blank(record["answer_utc"]) is None, record
    assert [(t, o) for t, o, _ in attempts(record)] == [
        (FIRST_TARGET, "no-answer"), (SECOND_TARGET, "no-answer")]


def test_caller_cancels_while_ringing(make_ringto, sipp):
    ringto = make_ringto(strategy="sequential", ring_time=10)
    call(ringto, sipp, "uas-ring-no-answer-expect-cancel", "uac-cancel-while-ringing")

    record = one_record(ringto)
    assert record["disposition"] == "cancelled", record
    assert code_of(record["sip_code"]) == 487, record
    assert blank(record["answer_utc"]) is None, record
    assert blank(record["ring_to"]) is None or record["ring_to"] == FIRST_TARGET, record
    # The caller gave up after ~1 s of ringing, long before the 10 s ring time.
    assert seconds(record, "start_utc", "end_utc") < 5, record
    assert [(t, o) for t, o, _ in attempts(record)] == [(FIRST_TARGET, "cancelled")]


@pytest.mark.parametrize("transport", ["udp", "tcp"])
@pytest.mark.parametrize("hangs_up", ["caller", "callee"])
def test_either_side_hangs_up(ringto, sipp, hangs_up, transport):
    """Over TCP the caller's connection carries its requests and, for a callee BYE, ours."""
    caller_args = {"extra_args": ("-t", "t1")} if transport == "tcp" else {}
    if hangs_up == "caller":
        call(ringto, sipp, "uas-answer", "uac-invite-answered", duration_ms=1500, **caller_args)
    else:
        call(ringto, sipp, "uas-answer-then-bye", "uac-invite-callee-bye",
             uas_options={"duration_ms": 1500}, **caller_args)

    record = one_record(ringto)
    assert_answered(record, ring_to=FIRST_TARGET, talk_s=1.5)
    assert record["caller"] == CALLER


def test_unknown_number_404_reaches_no_trunk_and_leaves_no_record(ringto, sipp):
    dialler = caller(ringto, sipp, "uac-invite-expect-404", service="+318000999999")
    assert_trunk_silent_while(ringto, dialler)

    records = ringto.wait_calls(lambda records: bool(records))  # give the writer its time
    assert records == []


def test_hidden_caller_is_anonymous_on_the_ring_to_leg_and_not_stored(ringto, sipp):
    # The UAS fails the call if 301234567 appears anywhere in the INVITE it gets, or if
    # From is not "Anonymous" <sip:anonymous@anonymous.invalid>.
    call(ringto, sipp, "uas-answer-expect-anonymous", "uac-invite-hidden", duration_ms=1000)

    record = one_record(ringto)
    assert_answered(record, ring_to=FIRST_TARGET, talk_s=1.0)
    assert blank(record["caller"]) is None, record
    assert "301234567" not in json.dumps(record), record


def test_fifty_concurrent_calls_all_answered_and_recorded(ringto, sipp):
    calls = 50
    call(ringto, sipp, "uas-answer", "uac-invite-answered", calls=calls, rate=50, limit=calls,
         duration_ms=3000, timeout=60, uas_options={"timeout": 60})

    records = ringto.wait_calls(count=calls, timeout=5)
    assert len(records) == calls, [r["disposition"] for r in records]
    assert all(r["disposition"] == "answered" for r in records), records
    assert len({r["call_id"] for r in records}) == calls
    # They really overlapped: at the last answer, most calls were still up.
    last_answer = max(when(r["answer_utc"]) for r in records)
    up = sum(1 for r in records if when(r["answer_utc"]) <= last_answer <= when(r["end_utc"]))
    assert up >= calls // 2, up


@pytest.mark.timeout(300)
def test_ten_percent_packet_loss_is_survived_by_retransmissions(make_ringto, sipp):
    # Traced with -trace_msg, two ways sipp (not ringto) failed this test now and then:
    # within a 3 s ring time an INVITE or its 200 is sent only three times, and sipp lost
    # all three; and a sipp UAS that has sent 100, 180 and 200 aborts on a retransmitted
    # INVITE (RFC 3261 retransmits when all three are lost). Either way the leg rang out
    # and the next target's INVITE met sipp's -m call limit. So: a ring time with room
    # for retransmissions, as real ones have, and a phone that answers at once (its 200
    # is the reply sipp repeats to a retransmitted INVITE).
    ringto = make_ringto(ring_time=10)
    calls = 20
    lossy = ("-lost", "10")
    uas_run = trunk(ringto, sipp, "uas-answer-at-once", calls=calls, timeout=150,
                    extra_args=lossy)
    uac_run = caller(ringto, sipp, "uac-invite-answered", calls=calls, rate=4, limit=10,
                     duration_ms=1000, timeout=150, extra_args=lossy)
    uas_result, uac_result = run_pair(uas=uas_run, uac=uac_run)
    assert uac_result.successful == calls and uac_result.failed == 0, \
        uac_result.describe() + ringto.log()
    assert uas_result.successful == calls and uas_result.failed == 0, \
        uas_result.describe() + ringto.log()
    # sipp lost messages on purpose; something had to be sent again.
    assert uac_result.retransmissions + uas_result.retransmissions > 0

    records = ringto.wait_calls(count=calls, timeout=5)
    assert len(records) == calls, records
    assert all(r["disposition"] == "answered" for r in records), records
    for record in records:
        assert float(record["duration_s"]) >= 0.9, record


def test_suspended_number_is_refused_with_403_and_recorded_as_rejected(ringto, sipp):
    ringto.cli("number", "suspend", SERVICE_NUMBER)
    time.sleep(3)  # the running server reloads its number table every 2 s
    assert_trunk_silent_while(ringto, caller(ringto, sipp, "uac-invite-expect-403"))

    record = one_record(ringto)
    assert record["disposition"] == "rejected", record
    assert code_of(record["sip_code"]) == 403, record
    assert record["attempts"] == [], record


def test_reinvite_hold_passes_through_to_the_callee_and_back(ringto, sipp):
    # Both scenarios fail the call unless the hold offer (a=sendonly) reaches the callee
    # and its answer (a=recvonly) comes back to the caller.
    call(ringto, sipp, "uas-answer-expect-hold", "uac-reinvite-hold", duration_ms=500)

    record = one_record(ringto)
    assert record["disposition"] == "answered", record
    assert attempts(record) == [(FIRST_TARGET, "answered", 200)]

