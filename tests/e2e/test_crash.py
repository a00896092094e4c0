"""kill -9 in the middle of live calls: no finished call is lost, no live call stays open.

20 long calls are up (answered, talking) and 5 short ones have finished when the server
is killed with SIGKILL. After a restart, the 5 finished records are intact and the 20
live ones are closed as `interrupted`, ended no earlier than they were answered.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .server import Ringto, code_of, when
from .sipp import FIRST_TARGET

LONG, SHORT = 20, 5


def live(records: list[dict]) -> int:
    return sum(1 for r in records if r.get("disposition") == "in-progress")


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.mark.timeout(180)
def test_kill_9_closes_live_calls_as_interrupted_and_keeps_finished_ones(make_ringto, sipp):
    ringto: Ringto = make_ringto(strategy="sequential", ring_time=5)
    uas = sipp("uas-answer", local_port=ringto.trunk_port, calls=LONG + SHORT, timeout=120)
    long_calls = sipp("uac-invite-answered", remote=ringto.address, calls=LONG, rate=20,
                      limit=LONG, duration_ms=90_000, timeout=120)
    uas.start().wait_bound()
    long_calls.start()

    # The long calls are stored as in progress (records before acknowledgement), and the
    # sipp phone answers at once; give the answers a moment to be stored too.
    records = ringto.wait_calls(lambda rs: live(rs) >= LONG, timeout=15)
    assert live(records) == LONG, (records, ringto.log())
    time.sleep(1.5)

    short_calls = sipp("uac-invite-answered", remote=ringto.address, calls=SHORT, rate=10,
                       duration_ms=300, timeout=30)
    short_result = short_calls.start().wait()
    short_result.assert_ok(SHORT)
    records = ringto.wait_calls(
        lambda rs: sum(r.get("disposition") == "answered" for r in rs) >= SHORT)
    assert sum(r["disposition"] == "answered" for r in records) == SHORT, records

    assert ringto.process is not None
    writers = children(ringto.process.pid)  # the record writer process
    assert writers, "ringto serve runs its record writer in a child process"
    killed_at = time.time()
    ringto.kill()
    assert ringto.exit_codes[-1] == -9
    deadline = time.monotonic() + 5
    while any(map(running, writers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(running, writers)), "the record writer outlived a killed ringto"
    long_calls.kill()  # their BYEs would only go to the restarted server
    uas.kill()

    ringto.start()
    records = ringto.wait_calls(count=LONG + SHORT, timeout=5)
    assert len(records) == LONG + SHORT, records

    finished = [r for r in records if r["disposition"] == "answered"]
    interrupted = [r for r in records if r["disposition"] == "interrupted"]
    assert len(finished) == SHORT, records
    assert len(interrupted) == LONG, records
    for record in finished:
        assert code_of(record["sip_code"]) == 200, record
        assert record["ring_to"] == FIRST_TARGET, record
        assert when(record["start_utc"]) <= when(record["answer_utc"]) <= when(record["end_utc"])
        assert when(record["end_utc"]).timestamp() <= killed_at, record
        assert float(record["duration_s"]) == pytest.approx(0.3, abs=0.5), record
    for record in interrupted:
        answer, end = when(record["answer_utc"]), when(record["end_utc"])
        assert end is not None, record
        assert answer is not None, f"the answer of a live call was not stored: {record}"
        assert end >= answer, record
        assert record["ring_to"] == FIRST_TARGET, record
