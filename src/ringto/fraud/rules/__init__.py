"""One module per fraud category, each with a `Thresholds` dataclass, per-type
`DEFAULTS` (tollfree, local, premium) and a sans-IO `detect(traffic)` yielding alerts.

`RULES` lists them in the root-cause order of `ringto.fraud.alert.CATEGORIES`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ringto.fraud.alert import Alert
from ringto.fraud.traffic import Traffic

from . import (
    abnormal_usage,
    automated_traffic,
    billing_mismatch,
    call_flooding,
    collusion,
    long_holding,
    pbx_hacking,
    premium_destination,
    prepaid_abuse,
    roaming_abuse,
    spoofed_identity,
)

Rule = Callable[[Traffic], Iterator[Alert]]
RULES: dict[str, Rule] = {
    "billing_mismatch": billing_mismatch.detect,
    "pbx_hacking": pbx_hacking.detect,
    "call_flooding": call_flooding.detect,
    "spoofed_identity": spoofed_identity.detect,
    "collusion": collusion.detect,
    "roaming_abuse": roaming_abuse.detect,
    "premium_destination": premium_destination.detect,
    "prepaid_abuse": prepaid_abuse.detect,
    "automated_traffic": automated_traffic.detect,
    "long_holding": long_holding.detect,
    "abnormal_usage": abnormal_usage.detect,
}
