"""The inline verdict, as the engine sees it: refused exactly when a measure in force or
the flood limiter says so, with the code that says why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ringto.fraud.events import CallEnded
from ringto.fraud.models import FraudMeasure
from ringto.fraud.verdict import ALLOW_ALL, FloodLimit, Guard

numbers = st.sampled_from(["+319001234567", "+318000200000", "+31201234567"])
callers = st.sampled_from(["+31612345678", "+31687654321", "+31301234567", None])
ips = st.sampled_from(["192.0.2.1", "203.0.113.9", None])


def measure(**fields) -> FraudMeasure:
    return FraudMeasure(applied_utc=datetime.now(UTC), details={}, **fields)


@given(st.lists(st.tuples(numbers, callers.filter(bool))), st.lists(callers.filter(bool)),
       st.lists(ips.filter(bool)), numbers, callers, ips)
def test_refused_exactly_when_a_measure_covers_the_call(pairs, everywhere, banned, number, caller,
                                                        ip) -> None:
    guard = Guard()
    later = datetime.now(UTC) + timedelta(hours=1)
    guard.put_in_force([measure(kind="block_caller", number_e164=n, caller=c) for n, c in pairs]
                       + [measure(kind="block_caller", caller=c) for c in everywhere]
                       + [measure(kind="ban_ip", source_ip=i, expires_utc=later) for i in banned])
    verdict = guard.verdict(number, caller, ip)
    if ip in banned:
        assert (verdict.sip_code, verdict.cause) == (403, "source IP banned")
    elif caller is not None and (caller in everywhere or (number, caller) in pairs):
        assert (verdict.sip_code, verdict.cause) == (603, "caller blocked")
    else:
        assert verdict.action == "allow"
    assert ALLOW_ALL.verdict(number, caller, ip).action == "allow"


def test_flood_limiter_refuses_the_caller_on_that_number_only() -> None:
    now = [1000.0]
    guard = Guard(flood=FloodLimit(calls=5, window_s=10, short_s=0.5), clock=lambda: now[0])
    for n in range(5):
        assert guard.verdict("+319001234567", "+31612345678", "192.0.2.1").action == "allow"
        guard.call_ended(CallEnded(1000 + n * 0.3, str(n), "+319001234567", "+31612345678",
                                   "192.0.2.1", "answered", 0.2))
    now[0] = 1001.6
    assert guard.verdict("+319001234567", "+31612345678", "192.0.2.1").cause == "call flooding"
    assert guard.verdict("+318000200000", "+31612345678", "192.0.2.1").action == "allow"
    assert guard.verdict("+319001234567", "+31687654321", "192.0.2.1").action == "allow"
    now[0] = 1030.0  # the burst has slid out of the window
    assert guard.verdict("+319001234567", "+31612345678", "192.0.2.1").action == "allow"


def test_long_calls_do_not_feed_the_flood_limiter() -> None:
    guard = Guard(clock=lambda: 1005.0)
    for n in range(20):
        guard.call_ended(CallEnded(1000 + n * 0.1, str(n), "+319001234567", "+31612345678",
                                   "192.0.2.1", "answered", 42.0))
    assert guard.verdict("+319001234567", "+31612345678", None).action == "allow"
