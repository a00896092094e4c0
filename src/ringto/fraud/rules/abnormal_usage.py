"""abnormal_usage: one caller far above the number's own baseline (seed items 3 and 10).

Counted per caller per day (UTC) on one number. The baseline is the number's own
95th percentile of calls per caller-day among the caller-days below the floor, so a
support line whose customers call back three times a day is judged by that, a line
where everybody calls once by its own, and the heavy callers themselves cannot raise
it. A floor per number type keeps busy but honest callers out: premium numbers pay the
holder per call, so they trip soonest.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.records import Cdr
from ringto.fraud.traffic import Traffic

CATEGORY = "abnormal_usage"
DAY_S = 86400


@dataclass(frozen=True, slots=True)
class Thresholds:
    factor: float = 5.0  # times the number's 95th percentile of ordinary caller-days
    min_calls: int = 20  # per caller-day, whatever the baseline


DEFAULTS: Mapping[str, Thresholds] = {
    "tollfree": Thresholds(),
    "local": Thresholds(min_calls=25),
    "premium": Thresholds(min_calls=15),
}


def detect(traffic: Traffic, limits: Mapping[str, Thresholds] = DEFAULTS) -> Iterator[Alert]:
    for number, calls in traffic.inbound.items():
        limit = limits[traffic.kind(number)]
        if len(calls) < limit.min_calls:
            continue
        totals = traffic.callers_of(number)
        repeat = [c for c in calls if c.caller and totals[c.caller] > 1]
        per_day = Counter((c.caller, int(c.start // DAY_S)) for c in repeat)
        once = sum(1 for caller, n in totals.items() if n == 1 and caller)  # one caller-day of 1 each
        ordinary = sorted([1] * once + [n for n in per_day.values() if n < limit.min_calls])
        baseline = ordinary[int(0.95 * (len(ordinary) - 1))] if ordinary else 0
        ceiling = max(limit.min_calls, limit.factor * baseline)
        heavy = {key for key, n in per_day.items() if n >= ceiling}
        found: dict[tuple[str, int], list[Cdr]] = defaultdict(list)
        for call in repeat:
            key = (call.caller, int(call.start // DAY_S))
            if key in heavy:
                found[key].append(call)
        for (caller, _day), mine in found.items():
            yield calls_alert(CATEGORY, f"{caller}@{number}", mine, severity(len(mine), limit.min_calls))
