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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from statistics import median

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.records import Cdr
from ringto.fraud.traffic import Traffic, cell_of, dense_indices, group

CATEGORY = "prepaid_abuse"


@dataclass(frozen=True, slots=True)
class Thresholds:
    max_calls_per_caller: int = 2  # a "new card" calls the number at most this often
    window_s: float = 6 * 3600.0
    min_callers: int = 6  # new cards on one or two cells within the window
    min_median_s: float = 240.0  # their calls run until the credit is gone
    min_share: float = 0.3  # of all the number's calls in that time


DEFAULTS: Mapping[str, Thresholds | None] = {"tollfree": None, "local": None, "premium": Thresholds()}


def detect(traffic: Traffic, limits: Mapping[str, Thresholds | None] = DEFAULTS) -> Iterator[Alert]:
    for number, calls in traffic.inbound.items():
        limit = limits[traffic.kind(number)]
        if limit is None or len(calls) < limit.min_callers:
            continue
        per_caller = traffic.callers_of(number)
        new = [c for c in calls if c.caller and c.access_network_info
               and per_caller[c.caller] <= limit.max_calls_per_caller]
        starts = [c.start for c in calls]
        for hits in _on_one_or_two_cells(new, limit):
            if median(c.duration for c in hits) >= limit.min_median_s and _dominant(hits, starts, limit):
                yield calls_alert(CATEGORY, number, hits, severity(len(hits), limit.min_callers))


def _on_one_or_two_cells(new: list[Cdr], limit: Thresholds) -> Iterator[list[Cdr]]:
    """Clusters of new cards on one cell, joined with the busiest cell clustered within a
    window of them (cards move on, or sit on two cells), that hold at least `min_callers`."""
    half = (limit.min_callers + 1) // 2
    spans = []
    for cell, cards in group(new, lambda c: cell_of(c.access_network_info)).items():
        if cell and len(cards) >= half:
            spans.extend(_clusters(cards, limit.window_s, half))
    spans.sort(key=len, reverse=True)
    used: set[int] = set()
    for index, span in enumerate(spans):
        if index in used:
            continue
        near = limit.window_s
        partners = [(len(other), j) for j, other in enumerate(spans) if j != index and j not in used
                    and other[0].start <= span[-1].start + near and span[0].start <= other[-1].start + near]
        pair = [index] + ([max(partners)[1]] if partners else [])
        hits = sorted((c for j in pair for c in spans[j]), key=lambda c: c.start)
        if len({c.caller for c in hits}) >= limit.min_callers:
            used.update(pair)
            yield hits


def _clusters(cards: list[Cdr], window_s: float, min_count: int) -> Iterator[list[Cdr]]:
    """Runs of calls dense enough in time, split where a window passes empty."""
    cluster: list[Cdr] = []
    for index in dense_indices([c.start for c in cards], window_s, min_count):
        if cluster and cards[index].start - cluster[-1].start > window_s:
            yield cluster
            cluster = []
        cluster.append(cards[index])
    if cluster:
        yield cluster


def _dominant(hits: list[Cdr], starts: list[float], limit: Thresholds) -> bool:
    """True when the cards make up a fair share of all the number's calls meanwhile."""
    total = bisect_right(starts, hits[-1].start) - bisect_left(starts, hits[0].start)
    return len(hits) >= limit.min_share * total
