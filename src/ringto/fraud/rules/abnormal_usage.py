"""abnormal_usage: one caller far above the number's own baseline (seed items 3 and 10).

Counted per caller per day (UTC) on one number. The baseline is the number's own
95th percentile of calls per caller-day, so a support line whose customers call back
three times a day is judged by that, and a line where everybody calls once by its own.
A floor per number type keeps busy but honest callers out: premium numbers pay the
holder per call, so they trip soonest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.records import Cdr
from ringto.fraud.traffic import Traffic

CATEGORY = "abnormal_usage"
DAY_S = 86400


@dataclass(frozen=True, slots=True)
class Thresholds:
    factor: float = 5.0  # times the number's 95th percentile of calls per caller-day
    min_calls: int = 20  # per caller-day, whatever the baseline


DEFAULTS: Mapping[str, Thresholds] = {
    "tollfree": Thresholds(),
    "local": Thresholds(min_calls=25),
    "premium": Thresholds(min_calls=12),
}


def detect(traffic: Traffic, limits: Mapping[str, Thresholds] = DEFAULTS) -> Iterator[Alert]:
    for number, calls in traffic.inbound.items():
        limit = limits[traffic.kind(number)]
        if len(calls) < limit.min_calls:
            continue
        days: dict[tuple[str, int], list[Cdr]] = defaultdict(list)
        for call in calls:
            if call.caller:
                days[(call.caller, int(call.start // DAY_S))].append(call)
        counts = sorted(len(day) for day in days.values())
        p95 = counts[int(0.95 * (len(counts) - 1))]
        ceiling = max(limit.min_calls, limit.factor * p95)
        for (caller, _day), mine in days.items():
            if len(mine) >= ceiling:
                yield calls_alert(CATEGORY, f"{caller}@{number}", mine, severity(len(mine), limit.min_calls))
