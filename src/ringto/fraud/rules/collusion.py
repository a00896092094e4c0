"""collusion: the number holder (or phones they control) calling their own premium number
(seed item 8).

The holder's phones are those the numbers file lists, every number the same customer
holds, and the ring-to numbers their calls are forwarded to. A holder testing their
line once or twice is normal, so it takes several answered calls and some talk time.
Only premium numbers pay the holder; on toll-free numbers the holder pays, on local
numbers nobody is paid, so the rule is off there (`None`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.traffic import Traffic

CATEGORY = "collusion"


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_calls: int = 3  # answered calls from the holder's phones to one number
    min_talk_s: float = 600.0  # and their total duration


DEFAULTS: Mapping[str, Thresholds | None] = {"tollfree": None, "local": None, "premium": Thresholds()}


def holder_phones(traffic: Traffic, numbers: Iterable[str]) -> dict[str, set[str]]:
    """For each of `numbers`, the phones of its holder (customer), as far as the inputs tell."""
    customer_of = {n: held.customer_id for n, held in traffic.numbers.items()}
    held_by: dict[str, set[str]] = defaultdict(set)
    for number in traffic.inbound:
        held_by[customer_of.get(number, number)].add(number)
    phones: dict[str, set[str]] = {}
    for customer in {customer_of.get(n, n) for n in numbers}:
        own = set(held_by[customer])
        for number in held_by[customer]:
            held = traffic.numbers.get(number)
            own |= held.holder_phones if held else set()
            own |= {c.ring_to for c in traffic.inbound[number] if c.ring_to.startswith("+")}
        phones[customer] = own
    return {n: phones[customer_of.get(n, n)] for n in numbers}


def detect(traffic: Traffic, limits: Mapping[str, Thresholds | None] = DEFAULTS) -> Iterator[Alert]:
    watched = [n for n in traffic.inbound if limits[traffic.kind(n)] is not None]
    phones = holder_phones(traffic, watched)
    for number in watched:
        limit, calls, own = limits[traffic.kind(number)], traffic.inbound[number], phones[number]
        mine = [c for c in calls if c.caller in own and c.caller != number]
        answered = [c for c in mine if c.answered]
        if len(answered) >= limit.min_calls and sum(c.duration for c in answered) >= limit.min_talk_s:
            yield calls_alert(CATEGORY, number, mine, severity(len(answered), limit.min_calls))
