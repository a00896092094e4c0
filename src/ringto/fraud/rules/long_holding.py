"""long_holding: calls held open far longer than the service warrants (seed item 10).

"Far longer" is measured against the number's own conversations: `factor` times the
median of its answered calls, and never below a floor per number type. The median, not
a high percentile, so the held calls cannot raise their own bar on a quiet number. Only
ordinary callers' conversations count: calls too short to be one, and callers with many
calls on the number, stay out, so neither a flood of half-second calls nor a simbox's
hundreds of three-minute calls can pull the bar down onto the number's real calls. A
call centre whose calls run for an hour is judged by its hour, an information line by
its minutes. With too few calls for a baseline only the fallback applies. Premium
numbers pay per minute, so their floor is lowest.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from statistics import median

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.traffic import Traffic

CATEGORY = "long_holding"


@dataclass(frozen=True, slots=True)
class Thresholds:
    factor: float = 20.0  # times the number's median duration
    min_duration_s: float = 3600.0  # never flag a call shorter than this
    min_baseline_calls: int = 30
    min_conversation_s: float = 10.0  # shorter calls (hang-ups, floods) stay out of the baseline
    max_baseline_calls: int = 3  # so do callers with more calls than this on the number
    fallback_s: float = 3 * 3600.0  # the limit while the baseline is too thin


DEFAULTS: Mapping[str, Thresholds] = {
    "tollfree": Thresholds(),
    "local": Thresholds(min_duration_s=2 * 3600.0, fallback_s=4 * 3600.0),
    "premium": Thresholds(min_duration_s=1800.0, fallback_s=2 * 3600.0),
}


def limit_s(durations: list[float], limit: Thresholds) -> float:
    """The duration from which a call on this number is held far too long."""
    if len(durations) < limit.min_baseline_calls:
        return max(limit.fallback_s, limit.min_duration_s)
    return max(limit.min_duration_s, limit.factor * median(durations))


def detect(traffic: Traffic, limits: Mapping[str, Thresholds] = DEFAULTS) -> Iterator[Alert]:
    for number, calls in traffic.inbound.items():
        limit = limits[traffic.kind(number)]
        answered = [c for c in calls if c.answered]
        if not answered:
            continue
        counts = traffic.callers_of(number)
        longest = limit_s([c.duration for c in answered if c.duration >= limit.min_conversation_s
                           and counts[c.caller] <= limit.max_baseline_calls], limit)
        held = [c for c in answered if c.duration >= longest]
        if held:
            yield calls_alert(CATEGORY, number, held, severity(len(held), 1))
