"""spoofed_identity: manipulated caller identity (seed item 2).

Three signs, all per libphonenumber's data or the traffic itself: a caller number that
is not valid (not allocated) in its country; the called number presented as the caller;
and a source address that is not a carrier border presenting a different caller number
on almost every call. Toll-free and local numbers see the odd garbled caller id from a
foreign network, so they need a few within a day; on premium numbers each one is paid.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.records import Cdr
from ringto.fraud.traffic import CALLER, Traffic, dense_indices, group, valid_caller

CATEGORY = "spoofed_identity"


@dataclass(frozen=True, slots=True)
class Thresholds:
    window_s: float = 86400.0
    min_bad_callers: int = 3  # invalid or self-calling caller ids per number per window
    min_changing_callers: int = 10  # distinct callers from one non-border source per window
    min_change_ratio: float = 0.8  # distinct callers / calls from that source


DEFAULTS: Mapping[str, Thresholds] = {
    "tollfree": Thresholds(),
    "local": Thresholds(),
    "premium": Thresholds(min_bad_callers=1, min_changing_callers=6),
}


def detect(traffic: Traffic, limits: Mapping[str, Thresholds] = DEFAULTS) -> Iterator[Alert]:
    invalid = {caller for caller in set(map(CALLER, traffic.calls)) if caller and not valid_caller(caller)}
    borders = traffic.borders
    bad = [c for c in traffic.calls if c.caller in invalid
           or (c.caller == c.service_number and c.caller_ip in borders)]
    for number, calls in group(bad, lambda c: c.service_number).items():
        limit = limits[traffic.kind(number)]
        hits = [calls[i] for i in dense_indices([c.start for c in calls], limit.window_s,
                                                limit.min_bad_callers)]
        if hits:
            yield calls_alert(CATEGORY, number, hits, severity(len(hits), limit.min_bad_callers))
    for ip, calls in group(traffic.direct, lambda c: c.caller_ip).items():
        yield from _changing(ip, calls, limits[traffic.kind(calls[0].service_number)])


def _changing(ip: str, calls: list[Cdr], limit: Thresholds) -> Iterator[Alert]:
    """Calls from one source whose caller id keeps changing within a window."""
    window = [calls[i] for i in dense_indices([c.start for c in calls], limit.window_s,
                                              limit.min_changing_callers)]
    callers = {c.caller for c in window}
    if len(callers) >= limit.min_changing_callers and len(callers) >= limit.min_change_ratio * len(window):
        yield calls_alert(CATEGORY, ip, window, severity(len(callers), limit.min_changing_callers))
