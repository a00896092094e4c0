"""roaming_abuse: foreign mobiles roaming on a domestic network making many short or
very long calls (seed item 12), which their home operator often cannot collect.

A foreign mobile caller (libphonenumber) whose P-Access-Network-Info cell carries our
mobile country code is roaming here. Tourists call a service number once or twice and
talk normally, now and then for long; abuse is a stream of short calls, or call after
call held for hours, within a day. Premium numbers pay out per minute, so they trip
sooner than toll-free and local ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.traffic import (
    CALLER,
    DOMESTIC_COUNTRY_CODE,
    DOMESTIC_MCC,
    Traffic,
    cell_of,
    dense_indices,
    foreign_mobile,
    group,
)

CATEGORY = "roaming_abuse"


@dataclass(frozen=True, slots=True)
class Thresholds:
    window_s: float = 86400.0
    short_s: float = 30.0
    min_short_calls: int = 10  # per caller per window
    long_call_s: float = 1.5 * 3600.0
    min_long_calls: int = 2  # that long, per caller per window


DEFAULTS: Mapping[str, Thresholds] = {
    "tollfree": Thresholds(),
    "local": Thresholds(min_short_calls=15),
    "premium": Thresholds(min_short_calls=6, long_call_s=3600.0),
}


def detect(traffic: Traffic, limits: Mapping[str, Thresholds] = DEFAULTS) -> Iterator[Alert]:
    domestic = "+" + DOMESTIC_COUNTRY_CODE
    foreign = {x for x in set(map(CALLER, traffic.calls)) if x and not x.startswith(domestic)}
    roaming = [c for c in traffic.calls if c.caller in foreign and c.access_network_info
               and cell_of(c.access_network_info).startswith(DOMESTIC_MCC) and foreign_mobile(c.caller)]
    pairs = group(sorted(roaming, key=lambda c: c.start), lambda c: (c.caller, c.service_number))
    for (caller, number), calls in pairs.items():
        limit = limits[traffic.kind(number)]
        short = [c for c in calls if c.answered and c.duration < limit.short_s]
        hits = {c.call_id: c for i in dense_indices([c.start for c in short], limit.window_s,
                                                     limit.min_short_calls) for c in (short[i],)}
        long = [c for c in calls if c.answered and c.duration >= limit.long_call_s]
        hits.update((long[i].call_id, long[i]) for i in dense_indices([c.start for c in long], limit.window_s,
                                                                       limit.min_long_calls))
        if hits:
            yield calls_alert(CATEGORY, f"{caller}@{number}", list(hits.values()),
                              severity(len(hits), limit.min_short_calls))
