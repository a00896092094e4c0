"""Call flooding, live: sipp floods a number with 0.2 s calls at a running `ringto serve`.

Within 2 s of the flood crossing the limit (5 calls under 0.5 s in 10 s) the caller is
blocked on that number by the inline verdict, later calls are refused and recorded as
rejected, a call_flooding case holds the short calls as evidence, and the number's
payouts are held.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from ringto.billing.holds import active_holds

from .server import Ringto, when
from .sipp import CALLER, SERVICE_NUMBER

FLOOD_CALLS = 40
LIMIT = 5  # FloodLimit().calls


def _short(record: dict) -> bool:
    return record["disposition"] == "answered" and float(record["duration_s"]) < 0.5


@pytest.mark.parametrize("windows", ["memory", "redis"])
def test_flooding_caller_is_blocked_within_two_seconds(make_ringto, sipp, windows: str) -> None:
    ringto: Ringto = make_ringto(start=False)
    if windows == "redis":  # the detector's windows shared through Redis, as for several nodes
        ringto.env["RINGTO_FRAUD_REDIS_URL"] = "redis://127.0.0.1:6379/0"
    ringto.start()
    phones = sipp("uas-answer", local_port=ringto.trunk_port, calls=FLOOD_CALLS, timeout=30)
    flood = sipp("uac-flood", remote=ringto.address, calls=FLOOD_CALLS, rate=10, duration_ms=200,
                 timeout=30)
    phones.start().wait_bound()
    try:
        result = flood.start().wait()
    finally:
        phones.kill()
    context = f"\n--- ringto serve log ---\n{ringto.log()}"
    assert result.successful == FLOOD_CALLS and result.failed == 0, result.describe() + context

    records = sorted(ringto.wait_calls(count=FLOOD_CALLS), key=lambda r: when(r["start_utc"]))
    assert len(records) == FLOOD_CALLS, records
    short = [r for r in records if _short(r)]
    assert len(short) >= LIMIT, records
    crossed = when(short[LIMIT - 1]["end_utc"])
    later = [r for r in records if when(r["start_utc"]) > crossed + timedelta(seconds=2)]
    assert later, "the flood ended before the 2 s mark: raise FLOOD_CALLS"
    assert all(r["disposition"] == "rejected" for r in later), [
        (r["start_utc"], r["disposition"], r["sip_code"]) for r in later]
    assert {int(r["sip_code"]) for r in later} == {603}  # the lasting block, not only the limiter
    assert all(r["caller"] == CALLER for r in records)

    cases = json.loads(ringto.cli("fraud", "cases", "--json").stdout)
    flooding = [c for c in cases if c["category"] == "call_flooding"]
    assert len(flooding) == 1, cases
    case = flooding[0]
    assert (case["subject"], case["number"], case["status"]) == (CALLER, SERVICE_NUMBER, "open")
    assert set(case["call_ids"]) <= {r["call_id"] for r in short} and len(case["call_ids"]) >= LIMIT

    measures = json.loads(ringto.cli("fraud", "measure", "list", "--active", "--json").stdout)
    kinds = {m["kind"]: m for m in measures if m["case_id"] == case["id"]}
    assert set(kinds) == {"block_caller", "hold_payouts"}, measures
    block = kinds["block_caller"]
    assert (block["caller"], block["number"], block["applied_by"]) == (
        CALLER, SERVICE_NUMBER, "policy:call_flooding")
    assert when(block["applied_utc"]) <= crossed + timedelta(seconds=2)

    engine = create_engine(f"sqlite:///{ringto.data_dir / 'ringto.db'}")
    with Session(engine) as session:
        holds = active_holds(session, case["customer_id"])
    engine.dispose()
    assert [(h.number_e164, h.held_by) for h in holds] == [(SERVICE_NUMBER, "policy:call_flooding")]


def test_staff_block_reaches_the_running_server_and_lifts(make_ringto, sipp) -> None:
    """`ringto fraud block` on a running server: refused (603) within the 2 s reload, and
    answered again once the measure is lifted."""
    ringto: Ringto = make_ringto()
    out = ringto.cli("fraud", "block", CALLER, "--number", SERVICE_NUMBER, "--by", "alice").stdout
    measure_id = out.split()[1].rstrip(":")
    time.sleep(2.5)
    refused = sipp("uac-flood", remote=ringto.address, calls=1, duration_ms=200).start().wait()
    assert refused.successful == 1, refused.describe()
    ringto.cli("fraud", "measure", "lift", measure_id, "--by", "bob")
    time.sleep(2.5)
    phones = sipp("uas-answer", local_port=ringto.trunk_port, calls=1, timeout=15)
    phones.start().wait_bound()
    try:
        answered = sipp("uac-flood", remote=ringto.address, calls=1, duration_ms=200).start().wait()
    finally:
        phones.kill()
    assert answered.successful == 1, answered.describe()
    records = sorted(ringto.wait_calls(count=2), key=lambda r: when(r["start_utc"]))
    assert [(r["disposition"], int(r["sip_code"])) for r in records] == [
        ("rejected", 603), ("answered", 200)], records
