"""billing_mismatch: our records against a carrier's records of the same calls (seed item 4).

Carriers round durations up to whole seconds, so a difference up to `tolerance_s` is
normal; a call only one side has, answered on one side only, or a longer difference is a
mismatch. Our calls count as missing from the carrier's file only when they came in
through an address the carrier's file shows and within the time it covers, since a
carrier reports only its own traffic. Same thresholds for every number type: a
mismatch costs money whatever the tariff, it only matters more on premium numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from operator import attrgetter

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.records import Cdr
from ringto.fraud.traffic import Traffic, group

CATEGORY = "billing_mismatch"


@dataclass(frozen=True, slots=True)
class Thresholds:
    tolerance_s: float = 2.0  # carriers round up to whole seconds
    min_mismatches: int = 1  # per service number; critical at 3x


DEFAULTS: Mapping[str, Thresholds] = {
    "tollfree": Thresholds(), "local": Thresholds(), "premium": Thresholds(),
}


def mismatches(ours: list[Cdr], theirs: list[Cdr], tolerance_s: Callable[[str], float]) -> list[Cdr]:
    """The records (ours or the carrier's) that the other side does not bear out."""
    by_id = dict(zip(map(attrgetter("call_id"), ours), ours, strict=True))
    seen: set[str] = set()
    found = []
    for record in theirs:
        seen.add(record.call_id)
        mine = by_id.get(record.call_id)
        if mine is None or mine.answered != record.answered or (
                mine.answered
                and abs(mine.duration - record.duration) > tolerance_s(mine.service_number)):
            found.append(mine or record)
    if theirs:
        sources = {c.caller_ip for c in theirs}
        first, last = theirs[0].start, theirs[-1].start
        found.extend(c for c in ours if c.caller_ip in sources and c.call_id not in seen
                     and first <= c.start <= last)
    return found


def detect(traffic: Traffic, limits: Mapping[str, Thresholds] = DEFAULTS) -> Iterator[Alert]:
    if traffic.carrier is None:
        return
    tolerance = cache(lambda number: limits[traffic.kind(number)].tolerance_s)
    found = mismatches(traffic.calls, traffic.carrier, tolerance)
    for number, calls in group(found, lambda c: c.service_number).items():
        limit = limits[traffic.kind(number)]
        if len(calls) >= limit.min_mismatches:
            yield calls_alert(CATEGORY, number, calls, severity(len(calls), limit.min_mismatches))
