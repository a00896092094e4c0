"""Turning a simulated world into the scanner's inputs in memory, and reading the verdict."""

from __future__ import annotations

from collections.abc import Iterable

from ringto.calls.cdr import CallRecord, export_row
from ringto.fraud.alert import Alert
from ringto.fraud.csvin import cdr_from_row
from ringto.fraud.records import AuthFailure, Cdr, HeldNumber
from ringto.fraud.scan import scan
from ringto.fraud.traffic import Traffic
from ringto.simulate.run import carrier_records
from ringto.simulate.world import World


def cdrs(records: Iterable[CallRecord]) -> list[Cdr]:
    """Records as the scanner reads them from an export (same strings, same parser)."""
    return [cdr_from_row(list(export_row(record).values())) for record in records]


def traffic_of(world: World) -> Traffic:
    numbers = [HeldNumber(line.number, c.id, line.kind, frozenset(c.holder_phones))
               for c in world.customers for line in c.lines]
    failures = [AuthFailure(round(f.time, 3), f.source_ip, f.username, f.user_agent)
                for f in world.auth_failures]
    return Traffic.of(cdrs(world.calls), failures, cdrs(carrier_records(world)), numbers)


def flagged_by_category(alerts: Iterable[Alert]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for alert in alerts:
        found.setdefault(alert.category, set()).update(alert.call_ids)
        if alert.category == "pbx_hacking":
            found[alert.category].add(alert.subject)
    return found


def verdict(world: World) -> tuple[list[Alert], dict[str, set[str]], dict[str, str]]:
    """The alerts, what each category flagged, and which category flagged each id."""
    alerts = scan(traffic_of(world))
    flagged = flagged_by_category(alerts)
    owner = {ident: category for category, ids in flagged.items() for ident in ids}
    return alerts, flagged, owner


def labelled(world: World, category: str) -> set[str]:
    return {ident for _kind, ident, cat in world.labels if cat == category}
