"""call_flooding: bursts of answered calls shorter than 0.5 s (seed item 5).

Such calls may never be charged to the caller yet are paid to the holder. People do
hang up within half a second now and then (a misdial), so one caller needs several in a
window; a radio advertisement brings hundreds of different callers whose calls last
as long as people talk, so it stays far below. Premium numbers pay out per call, so they
need fewer. A flood spread over many callers is caught by the per-number count.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.traffic import Traffic, dense_indices, group

CATEGORY = "call_flooding"


@dataclass(frozen=True, slots=True)
class Thresholds:
    max_duration_s: float = 0.5
    window_s: float = 600.0
    min_calls_per_caller: int = 8
    min_calls_per_number: int = 40


DEFAULTS: Mapping[str, Thresholds] = {
    "tollfree": Thresholds(),
    "local": Thresholds(min_calls_per_caller=10, min_calls_per_number=50),
    "premium": Thresholds(min_calls_per_caller=5, min_calls_per_number=25),
}


def detect(traffic: Traffic, limits: Mapping[str, Thresholds] = DEFAULTS) -> Iterator[Alert]:
    for number, calls in traffic.inbound.items():
        limit = limits[traffic.kind(number)]
        short = [c for c in calls if c.answered and c.duration < limit.max_duration_s]
        if len(short) < limit.min_calls_per_caller:
            continue
        claimed: set[str] = set()
        for caller, mine in group(short, lambda c: c.caller or "anonymous").items():
            hits = [mine[i] for i in dense_indices([c.start for c in mine], limit.window_s,
                                                    limit.min_calls_per_caller)]
            if hits:
                claimed.update(c.call_id for c in hits)
                yield calls_alert(CATEGORY, f"{caller}@{number}", hits,
                                  severity(len(hits), limit.min_calls_per_caller))
        rest = [c for c in short if c.call_id not in claimed]
        hits = [rest[i] for i in dense_indices([c.start for c in rest], limit.window_s,
                                               limit.min_calls_per_number)]
        if hits:
            yield calls_alert(CATEGORY, number, hits, severity(len(hits), limit.min_calls_per_number))
