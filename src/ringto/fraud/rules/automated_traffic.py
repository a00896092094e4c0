"""automated_traffic: simboxes and dialling machines (seed items 1 and 11).

A simbox holds a few SIM cards at one fixed place (one cell) and calls a number over
and over, machine-regular: the gaps between calls and their durations barely vary,
where people's gaps and durations vary about as much as they last (coefficient of
variation near 1). A run is a caller's calls to one number with no pause longer than
`max_gap_s`; a run qualifies with enough calls and both variations small. Premium
numbers pay per call, so fewer calls are needed there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from statistics import fmean, pstdev

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.records import Cdr
from ringto.fraud.traffic import Traffic, group

CATEGORY = "automated_traffic"


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_calls: int = 10  # in one run of one caller to one number
    max_gap_s: float = 4 * 3600.0  # a longer pause ends a run
    max_gap_cv: float = 0.3
    max_duration_cv: float = 0.3
    min_answered: float = 0.8  # share of the run's calls


DEFAULTS: Mapping[str, Thresholds] = {
    "tollfree": Thresholds(),
    "local": Thresholds(min_calls=12),
    "premium": Thresholds(min_calls=8),
}


def _cv(values: list[float]) -> float:
    mean = fmean(values)
    return pstdev(values) / mean if mean > 0 else 0.0


def regular(run: list[Cdr], limit: Thresholds) -> bool:
    """True when a run's gaps and durations vary as little as a machine's."""
    answered = [c.duration for c in run if c.answered]
    if len(run) < limit.min_calls or len(answered) < limit.min_answered * len(run):
        return False
    gaps = [b.start - a.start for a, b in zip(run, run[1:], strict=False)]
    return _cv(gaps) <= limit.max_gap_cv and _cv(answered) <= limit.max_duration_cv


def runs(calls: list[Cdr], max_gap_s: float) -> Iterator[list[Cdr]]:
    run = [calls[0]]
    for call in calls[1:]:
        if call.start - run[-1].start > max_gap_s:
            yield run
            run = []
        run.append(call)
    yield run


def detect(traffic: Traffic, limits: Mapping[str, Thresholds] = DEFAULTS) -> Iterator[Alert]:
    for number, calls in traffic.inbound.items():
        limit = limits[traffic.kind(number)]
        if len(calls) < limit.min_calls:
            continue
        frequent = {k for k, n in Counter(c.caller for c in calls).items() if k and n >= limit.min_calls}
        if not frequent:
            continue
        for caller, mine in group((c for c in calls if c.caller in frequent), lambda c: c.caller).items():
            for run in runs(mine, limit.max_gap_s):
                if regular(run, limit):
                    yield calls_alert(CATEGORY, f"{caller}@{number}", run,
                                      severity(len(run), limit.min_calls))
