"""`simulate`: seeded days of traffic, written as the scanner's input files plus `labels.csv`."""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ringto.calls.cdr import EXPORT_COLUMNS, CallRecord, export_row, format_time
from ringto.fraud.alert import CATEGORIES

from .inject import INJECTORS
from .normal import normal_traffic
from .phones import REPORTING_CARRIER
from .population import populate
from .world import World

START = datetime(2026, 10, 1, tzinfo=UTC).timestamp()


def simulate(days: int, numbers: int, inject: Sequence[str] = CATEGORIES, seed: int = 0,
             patterns: int | None = None) -> World:
    """Normal traffic for `numbers` lines over `days`, then `patterns` of each injected
    category (default one per hundred numbers)."""
    unknown = set(inject) - set(INJECTORS)
    if unknown:
        raise ValueError(f"unknown categories: {', '.join(sorted(unknown))}")
    world = World(random.Random(seed), START, days)
    populate(world, numbers)
    normal_traffic(world)
    count = patterns if patterns is not None else max(1, math.ceil(numbers / 100))
    for category in inject:
        for _ in range(count):
            INJECTORS[category](world)
    return world


def carrier_records(world: World) -> list[CallRecord]:
    """The reporting carrier's records of its calls: durations rounded up to whole seconds."""
    records = []
    for record in world.calls + world.carrier_only:
        if record.caller_ip not in REPORTING_CARRIER.ips:
            continue
        answered, talk = world.carrier_changes.get(
            record.call_id, (record.answer is not None, record.duration_s or 0.0))
        copy = CallRecord(record.call_id, "", record.service_number, record.caller, record.caller_ip, None,
                          record.start, ring_to=record.ring_to,
                          access_network_info=record.access_network_info, user_agent=REPORTING_CARRIER.name)
        if answered:
            copy.answer = record.answer or record.end
            copy.end = copy.answer + timedelta(seconds=math.ceil(talk))
            copy.disposition, copy.sip_code = "answered", 200
        else:
            copy.end, copy.disposition, copy.sip_code = record.end, record.disposition, record.sip_code
        records.append(copy)
    return records


def write(world: World, out: Path) -> dict[str, int]:
    """Write the five files into `out`; returns the rows written per file."""
    out.mkdir(parents=True, exist_ok=True)
    failures = sorted(world.auth_failures, key=lambda f: (f.time, f.source_ip))
    customers = world.customers
    return {
        "cdrs.csv": _write_records(out / "cdrs.csv", world.calls),
        "carrier_cdrs.csv": _write_records(out / "carrier_cdrs.csv", carrier_records(world)),
        "auth_failures.csv": _write_rows(
            out / "auth_failures.csv", ("time_utc", "source_ip", "username", "user_agent"),
            ([_iso(f.time), f.source_ip, f.username, f.user_agent] for f in failures)),
        "numbers.csv": _write_rows(
            out / "numbers.csv", ("number", "customer_id", "type", "holder_phones"),
            ([line.number, c.id, line.kind, ";".join(c.holder_phones)]
             for c in customers for line in c.lines)),
        "labels.csv": _write_rows(out / "labels.csv", ("kind", "id", "category"), sorted(set(world.labels))),
    }


def _iso(seconds: float) -> str:
    return format_time(datetime.fromtimestamp(round(seconds, 3), UTC))


def _write_records(path: Path, records: Iterable[CallRecord]) -> int:
    ordered = sorted(records, key=lambda r: (r.start, r.call_id))
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(export_row(record) for record in ordered)
    return len(ordered)


def _write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(header)
        count = 0
        for row in rows:
            writer.writerow(row)
            count += 1
    return count
