"""Scoring alerts against labels the way the issue defines it: per category, an alert's
call ids are flagged calls of its category (for `pbx_hacking` also its subject IP)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ringto.fraud.alert import CATEGORIES, Alert


@dataclass(frozen=True, slots=True)
class Score:
    flagged: int
    labelled: int
    hits: int

    @property
    def precision(self) -> float:
        return self.hits / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.labelled if self.labelled else 1.0


def flagged(alerts: Iterable[Alert]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for alert in alerts:
        found[alert.category].update(alert.call_ids)
        if alert.category == "pbx_hacking":
            found[alert.category].add(alert.subject)
    return found


def score(alerts: Iterable[Alert], labels: Iterable[tuple[str, str, str]]) -> dict[str, Score]:
    """Precision and recall per category; `labels` are (kind, id, category) rows."""
    truth: dict[str, set[str]] = defaultdict(set)
    for _kind, ident, category in labels:
        truth[category].add(ident)
    found = flagged(alerts)
    return {c: Score(len(found[c]), len(truth[c]), len(found[c] & truth[c])) for c in CATEGORIES}
