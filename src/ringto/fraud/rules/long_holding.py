"""long_holding: calls held open far longer than the service warrants (seed item 10).

"Far longer" is measured against the number's own answered calls: past `factor` times
their 95th percentile, and never below a floor per number type. So a call centre whose
calls run for an hour is judged by its own hour, and an information line by its
minutes. With too few calls for a baseline only the floor applies. Premium numbers pay
per minute, so their floor is lowest.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.traffic import Traffic

CATEGORY = "long_holding"


@dataclass(frozen=True, slots=True)
class Thresholds:
    factor: float = 5.0  # times the number's 95th percentile duration
    min_duration_s: float = 3600.0  # never flag a call shorter than this
    min_baseline_calls: int = 30
    fallback_s: float = 4 * 3600.0  # the limit while the baseline is too thin


DEFAULTS: Mapping[str, Thresholds] = {
    "tollfree": Thresholds(),
    "local": Thresholds(min_duration_s=2 * 3600.0, fallback_s=6 * 3600.0),
    "premium": Thresholds(min_duration_s=1800.0, fallback_s=2 * 3600.0),
}


def limit_s(durations: list[float], limit: Thresholds) -> float:
    """The duration from which a call on this number is held far too long."""
    if len(durations) < limit.min_baseline_calls:
        return max(limit.fallback_s, limit.min_duration_s)
    ordered = sorted(durations)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return max(limit.min_duration_s, limit.factor * p95)


def detect(traffic: Traffic, limits: Mapping[str, Thresholds] = DEFAULTS) -> Iterator[Alert]:
    for number, calls in traffic.inbound.items():
        limit = limits[traffic.kind(number)]
        answered = [c for c in calls if c.answered]
        if not answered:
            continue
        longest = limit_s([c.duration for c in answered], limit)
        held = [c for c in answered if c.duration >= longest]
        if held:
            yield calls_alert(CATEGORY, number, held, severity(len(held), 1))
