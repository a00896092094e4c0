"""Scanning files of records: every rule over one `Traffic`, each call under one category.

A call that fits several categories is reported under its root cause, the first of
`CATEGORIES` that claims it; the other alerts lose that call and disappear when no call
is left (a password-guessing alert stands on its failures alone).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from .alert import RANK, Alert
from .csvin import read_auth_failures, read_cdrs, read_numbers
from .rules import RULES
from .traffic import Traffic


def scan(traffic: Traffic) -> list[Alert]:
    """All alerts, each call in exactly one, ordered by first seen."""
    raw = [alert for rule in RULES.values() for alert in rule(traffic)]
    return sorted(resolve(raw), key=lambda a: (a.first_seen, RANK[a.category], a.subject))


def resolve(alerts: Iterable[Alert]) -> list[Alert]:
    """Keep every call id only in the alerts of its highest-ranked category."""
    alerts = list(alerts)
    owner: dict[str, int] = {}
    for alert in alerts:
        rank = RANK[alert.category]
        for call_id in alert.call_ids:
            if owner.get(call_id, rank + 1) > rank:
                owner[call_id] = rank
    kept = []
    for alert in alerts:
        rank = RANK[alert.category]
        mine = tuple(c for c in alert.call_ids if owner[c] == rank)
        if mine == alert.call_ids:
            kept.append(alert)
        elif mine or alert.category == "pbx_hacking":
            kept.append(Alert(alert.category, alert.subject, mine, alert.first_seen,
                              alert.last_seen, alert.severity))
    return kept


def scan_files(cdrs: str, auth_failures: str | None = None, carrier_cdrs: str | None = None,
               numbers: str | None = None) -> list[Alert]:
    """Read the files (raising `InputError` on bad input) and scan them."""
    with collector_paused():
        traffic = Traffic.of(
            read_cdrs(cdrs),
            read_auth_failures(auth_failures) if auth_failures else (),
            read_cdrs(carrier_cdrs) if carrier_cdrs else None,
            read_numbers(numbers) if numbers else (),
        )
        return scan(traffic)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while millions of records are built.

    Records and alerts hold no reference cycles, so the collector finds nothing, yet its
    repeated passes over the growing heap took over half of a month's scan.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
