"""What call flows cost: parsing a flow, deciding opening hours, reloading the number table.

Run: `.venv/bin/python bench/flows.py [NUMBERS]` (default 2,000 numbers, SQLite in a
temporary folder). Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ringto.commands.demo import FLOW
from ringto.flows import Hours, hours_open, parse_flow
from ringto.numbers import call_flow, service
from ringto.numbers.service import NumberDirectory, NumberOptions
from ringto.store.db import make_engine, make_session_factory
from ringto.store.migrate import upgrade


def per_call_us(fn, repeat: int) -> float:  # noqa: ANN001
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat * 1e6


def refresh_ms(directory: NumberDirectory) -> float:
    start = time.perf_counter()
    directory.refresh()
    return (time.perf_counter() - start) * 1e3


def main(count: int) -> None:
    flow = parse_flow(FLOW)
    assert isinstance(flow, Hours)
    base = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    instants = [base + timedelta(minutes=7 * i) for i in range(1000)]
    rows = [("parse_flow, the demo flow (14 steps; jsonschema is ~95 % of it)",
             f"{per_call_us(lambda: parse_flow(FLOW), 2000):.0f} µs")]
    cycle = iter(instants * 100)
    hours_us = per_call_us(lambda: hours_open(flow, next(cycle), "NL", "Europe/Amsterdam"), 100_000)
    rows.append(("hours_open (NL holidays, Europe/Amsterdam)", f"{hours_us:.1f} µs"))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        sessions = make_session_factory(make_engine(url))
        email = NumberOptions(voicemail_email="owner@example.com")
        numbers = [service.add_number(sessions, f"+3120{3000000 + i}", ["+31201234567", "+31612345678"],
                                      options=email).e164 for i in range(count)]
        directory = NumberDirectory(sessions)
        plain = min(refresh_ms(directory) for _ in range(3))
        for e164 in numbers[::2]:
            call_flow.set_flow(sessions, e164, FLOW)
        first = refresh_ms(directory)
        again = min(refresh_ms(directory) for _ in range(3))
    rows.append((f"directory refresh, {count:,} numbers, no stored flows (default forward)",
                 f"{plain:.0f} ms"))
    rows.append(("same, after half got the demo flow: first refresh (parses them)", f"{first:.0f} ms"))
    rows.append(("same, next refreshes (flows unchanged, parsed ones reused)", f"{again:.0f} ms"))
    print("| what | time |\n|---|---:|")
    for what, figure in rows:
        print(f"| {what} | {figure} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
