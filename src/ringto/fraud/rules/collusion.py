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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.traffic import Traffic

CATEGORY = "collusion"


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_calls: int = 3  # answered calls from the holder's phones to one number
    min_talk_s: float = 600.0  # and their total duration


DEFAULTS: Mapping[str, Thresholds | None] = {"tollfree": None, "local": None, "premium": Thresholds()}


def holder_phones(traffic: Traffic) -> dict[str, set[str]]:
    """Per number, the phones of its holder (customer), as far as the inputs tell."""
    by_customer: dict[str, set[str]] = defaultdict(set)
    customer_of = {n: held.customer_id for n, held in traffic.numbers.items()}
    for held in traffic.numbers.values():
        by_customer[held.customer_id] |= held.holder_phones | {held.number}
    for call in traffic.calls:
        if call.ring_to.startswith("+"):
            by_customer[customer_of.get(call.service_number, call.service_number)].add(call.ring_to)
    return {number: by_customer[customer_of.get(number, number)] for number in traffic.inbound}


def detect(traffic: Traffic, limits: Mapping[str, Thresholds | None] = DEFAULTS) -> Iterator[Alert]:
    phones = holder_phones(traffic)
    for number, calls in traffic.inbound.items():
        limit = limits[traffic.kind(number)]
        if limit is None:
            continue
        own = phones[number]
        mine = [c for c in calls if c.caller in own and c.caller != number]
        answered = [c for c in mine if c.answered]
        if len(answered) >= limit.min_calls and sum(c.duration for c in answered) >= limit.min_talk_s:
            yield calls_alert(CATEGORY, number, mine, severity(len(answered), limit.min_calls))
