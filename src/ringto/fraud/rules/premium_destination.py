"""premium_destination: forwarding or outbound calls to high-risk international ranges
(seed item 14: international revenue share fraud), and sequential test calls.

The destination is the ring-to number, whether a service number forwards there or a
phone account dialled it. One call into the top tier (satellite networks, the ranges
most reported for IRSF) is enough; the high tier takes repeated calls within a day.
Fraudsters also probe a range before using it: several different numbers of one
international range (same digits but the last two) within an hour. A premium number
forwarding abroad is rarer still, so it trips on fewer calls.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from ringto.fraud.alert import Alert, calls_alert
from ringto.fraud.destinations import risk_tier
from ringto.fraud.records import Cdr
from ringto.fraud.traffic import DOMESTIC_COUNTRY_CODE, Traffic, dense_indices, group

CATEGORY = "premium_destination"


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_top_calls: int = 1
    min_high_calls: int = 3  # per source number per window
    window_s: float = 86400.0
    sequential_window_s: float = 3600.0
    min_sequential: int = 3  # distinct numbers of one range per source per window


DEFAULTS: Mapping[str, Thresholds] = {
    "tollfree": Thresholds(),
    "local": Thresholds(min_high_calls=5),
    "premium": Thresholds(min_high_calls=2),
}
_tier = lru_cache(maxsize=1 << 16)(risk_tier)


def detect(traffic: Traffic, limits: Mapping[str, Thresholds] = DEFAULTS) -> Iterator[Alert]:
    domestic = "+" + DOMESTIC_COUNTRY_CODE
    abroad = [c for c in traffic.calls if c.ring_to.startswith("+") and not c.ring_to.startswith(domestic)]
    for number, calls in group(abroad, lambda c: c.service_number).items():
        limit = limits[traffic.kind(number)]
        hits = {c.call_id: c for c in _tiered(calls, limit)}
        hits.update((c.call_id, c) for c in _sequential(calls, limit))
        if hits:
            level = "critical" if any(_tier(c.ring_to) == "top" for c in hits.values()) else "warning"
            yield calls_alert(CATEGORY, number, list(hits.values()), level)


def _tiered(calls: list[Cdr], limit: Thresholds) -> list[Cdr]:
    """Top-tier calls; high-tier ones when repeated, or once the source dialled the top tier."""
    top = [c for c in calls if _tier(c.ring_to) == "top"]
    high = [c for c in calls if _tier(c.ring_to) == "high"]
    if len(top) >= limit.min_top_calls:
        return top + high
    return [high[i] for i in dense_indices([c.start for c in high], limit.window_s, limit.min_high_calls)]


def _sequential(calls: list[Cdr], limit: Thresholds) -> list[Cdr]:
    found = []
    for block in group(calls, lambda c: c.ring_to[:-2]).values():
        firsts: dict[str, Cdr] = {}
        for call in block:
            firsts.setdefault(call.ring_to, call)
        if len(firsts) < limit.min_sequential:
            continue
        probes = list(firsts.values())
        dense = dense_indices([c.start for c in probes], limit.sequential_window_s, limit.min_sequential)
        targets = {probes[i].ring_to for i in dense}
        found.extend(c for c in block if c.ring_to in targets)
    return found
