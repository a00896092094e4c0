"""prepaid_abuse: fraudulently obtained prepaid cards calling a premium number until
their credit is gone (seed item 9).

What sets it apart from a popular voting line, which also gets many new callers with a
call or two each, is concentration: the cards sit together on one or two mobile cells
within a few hours, and each call runs for minutes until the credit ends, where a vote
takes seconds and voters call from everywhere. Only premium numbers pay the holder for
such calls, so the rule is off for toll-free and local numbers (`None`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from statistics import median

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.records import Cdr
from ringto.fraud.traffic import Traffic, cell_of, dense_indices

CATEGORY = "prepaid_abuse"


@dataclass(frozen=True, slots=True)
class Thresholds:
    max_calls_per_caller: int = 2  # a "new card" calls the number at most this often
    window_s: float = 6 * 3600.0
    min_callers: int = 6  # new cards on the top one or two cells within the window
    min_cell_share: float = 0.6  # of the new cards' calls in the window
    min_median_s: float = 240.0  # their calls run until the credit is gone
    min_share: float = 0.3  # of all the number's calls in that time


DEFAULTS: Mapping[str, Thresholds | None] = {"tollfree": None, "local": None, "premium": Thresholds()}


def detect(traffic: Traffic, limits: Mapping[str, Thresholds | None] = DEFAULTS) -> Iterator[Alert]:
    for number, calls in traffic.inbound.items():
        limit = limits[traffic.kind(number)]
        if limit is None or len(calls) < limit.min_callers:
            continue
        per_caller = Counter(c.caller for c in calls)
        new = [c for c in calls if c.caller and c.access_network_info
               and per_caller[c.caller] <= limit.max_calls_per_caller]
        starts = [c.start for c in calls]
        for cluster in _clusters(new, limit):
            hits = _on_top_cells(cluster, limit)
            if hits and _dominant(hits, starts, limit):
                yield calls_alert(CATEGORY, number, hits, severity(len(hits), limit.min_callers))


def _clusters(new: list[Cdr], limit: Thresholds) -> Iterator[list[Cdr]]:
    """Runs of new-card calls dense enough in time, split where a window passes empty."""
    cluster: list[Cdr] = []
    for index in dense_indices([c.start for c in new], limit.window_s, limit.min_callers):
        if cluster and new[index].start - cluster[-1].start > limit.window_s:
            yield cluster
            cluster = []
        cluster.append(new[index])
    if cluster:
        yield cluster


def _on_top_cells(cluster: list[Cdr], limit: Thresholds) -> list[Cdr]:
    """The cluster's calls on its one or two busiest cells, if they make the pattern."""
    cells = Counter(cell_of(c.access_network_info) for c in cluster)
    top = {cell for cell, _ in cells.most_common(2) if cell}
    hits = [c for c in cluster if cell_of(c.access_network_info) in top]
    if len({c.caller for c in hits}) < limit.min_callers or len(hits) < limit.min_cell_share * len(cluster):
        return []
    return hits if median(c.duration for c in hits) >= limit.min_median_s else []


def _dominant(hits: list[Cdr], starts: list[float], limit: Thresholds) -> bool:
    """True when the cards make up a fair share of all the number's calls meanwhile."""
    total = bisect_right(starts, hits[-1].start) - bisect_left(starts, hits[0].start)
    return len(hits) >= limit.min_share * total
