"""What a rule reports: one suspicion, its evidence (call ids), when and how bad.

Severity follows OpenSIPS `fraud_detection`'s two levels: `warning` past the first
threshold, `critical` past the second (usually a multiple of the first).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

# The root-cause order: a call that fits several categories is reported under the first.
CATEGORIES = (
    "billing_mismatch", "pbx_hacking", "call_flooding", "spoofed_identity", "collusion",
    "roaming_abuse", "premium_destination", "prepaid_abuse", "automated_traffic",
    "long_holding", "abnormal_usage",
)
RANK = {name: index for index, name in enumerate(CATEGORIES)}


@dataclass(slots=True, frozen=True)
class Alert:
    """One suspicion. `subject` is what a measure would act on: a service number
    (`+31900…`), a source IP (pbx_hacking, a spoofing box), a caller on a number
    (`+3161…@+31900…`) or a cell on a number (`20408…@+31900…`, a simbox)."""

    category: str
    subject: str
    call_ids: tuple[str, ...]
    first_seen: float
    last_seen: float
    severity: str

    def to_json(self) -> str:
        """The one-line form `ringto fraud scan --json` prints."""
        return json.dumps({
            "category": self.category, "subject": self.subject, "call_ids": list(self.call_ids),
            "first_seen": iso(self.first_seen), "last_seen": iso(self.last_seen),
            "severity": self.severity,
        })


def iso(moment: float) -> str:
    """ISO 8601 UTC with milliseconds and Z, like the call record export."""
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def severity(count: int, warn: int, factor: int = 3) -> str:
    """`critical` once a count reaches `factor` times its warning threshold."""
    return "critical" if count >= warn * factor else "warning"


def calls_alert(category: str, subject: str, calls: list, level: str) -> Alert:
    """An alert whose evidence is `calls` (records with `call_id` and `start`)."""
    ordered = sorted(calls, key=lambda c: (c.start, c.call_id))
    return Alert(category, subject, tuple(c.call_id for c in ordered),
                 ordered[0].start, ordered[-1].start, level)
