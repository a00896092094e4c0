"""automated_traffic: simboxes and dialling machines (seed items 1 and 11).

A simbox holds a few SIM cards at one fixed place (one cell) and calls a number over
and over, machine-regular: the gaps between calls and their durations barely vary,
where people's gaps and durations vary about as much as they last (coefficient of
variation near 1). A run is a caller's calls to one number with no pause longer than
`max_gap_s`; a run qualifies with enough calls and both variations small. Several
SIMs regular in this way on one cell count together (the fixed location of seed item 1),
so a simbox is seen before each SIM has made many calls. Premium numbers pay per call,
so fewer calls are needed there.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from math import fsum, sqrt

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.records import Cdr
from ringto.fraud.traffic import Traffic, cell_of, group

CATEGORY = "automated_traffic"


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_calls: int = 10  # in one run of one caller to one number
    max_gap_s: float = 4 * 3600.0  # a longer pause ends a run
    max_gap_cv: float = 0.3
    max_duration_cv: float = 0.3
    min_answered: float = 0.8  # share of the run's calls
    min_sims: int = 2  # regular callers on one cell, when none has `min_calls` yet
    min_sim_calls: int = 4  # calls of each of them


DEFAULTS: Mapping[str, Thresholds] = {
    "tollfree": Thresholds(),
    "local": Thresholds(min_calls=12),
    "premium": Thresholds(min_calls=8),
}


def _cv(values: list[float]) -> float:
    """Coefficient of variation in floats (`statistics.pstdev` works in exact fractions,
    a hundred times slower, for precision no threshold here needs)."""
    mean = fsum(values) / len(values)
    if mean <= 0:
        return 0.0
    return sqrt(fsum((v - mean) ** 2 for v in values) / len(values)) / mean


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
        counts = traffic.callers_of(number)
        claimed: set[str] = set()
        for caller, mine in _callers(calls, counts, limit.min_calls).items():
            for run in runs(mine, limit.max_gap_s):
                if regular(run, limit):
                    claimed.update(c.call_id for c in run)
                    level = severity(len(run), limit.min_calls)
                    yield calls_alert(CATEGORY, f"{caller}@{number}", run, level)
        yield from _one_cell(number, [c for c in calls if c.call_id not in claimed], counts, limit)


def _callers(calls: list[Cdr], counts: Counter[str], least: int) -> dict[str, list[Cdr]]:
    frequent = {k for k, n in counts.items() if k and n >= least}
    return group((c for c in calls if c.caller in frequent), lambda c: c.caller) if frequent else {}


def _one_cell(number: str, calls: list[Cdr], counts: Counter[str], limit: Thresholds) -> Iterator[Alert]:
    """Several SIMs placed on one cell (that of their first call), each machine-regular,
    together past `min_calls`: a simbox seen before any one SIM has made `min_calls`."""
    per_sim = replace(limit, min_calls=limit.min_sim_calls)
    cells: dict[str, list[list[Cdr]]] = defaultdict(list)
    for mine in _callers(calls, counts, limit.min_sim_calls).values():
        cell = cell_of(mine[0].access_network_info)
        if cell:
            cells[cell].append(mine)
    for cell, placed in cells.items():
        if len(placed) < limit.min_sims or sum(map(len, placed)) < limit.min_calls:
            continue
        sims = [run for mine in placed for run in runs(mine, limit.max_gap_s) if regular(run, per_sim)]
        if len(sims) >= limit.min_sims and sum(map(len, sims)) >= limit.min_calls:
            yield calls_alert(CATEGORY, f"{cell}@{number}", [c for run in sims for c in run], "warning")
