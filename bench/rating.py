"""Records rated per second, end to end through `ringto billing rate` (F13).

Writes N synthetic call records (default 1,000,000) as `ringto calls export --csv`
would, 10,000 service numbers in NL and BG, 80 % answered, durations 0-15 min spread
over a month including weekends, holidays and the October DST change; then runs
`ringto billing rate --cdrs FILE --json` as a subprocess (process start included),
checks it printed one line per record plus the summary, and prints records/s.

    .venv/bin/python bench/rating.py [--records 1000000] [--runs 3] [--jobs 1]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from ringto.calls.cdr import EXPORT_COLUMNS, format_time  # noqa: E402

MONTH_START = datetime(2026, 10, 1, tzinfo=UTC)


def numbers(count: int) -> list[str]:
    """NL geographic (Amsterdam 020) and BG (Sofia 02) numbers, valid for libphonenumber."""
    return [f"+312012{i:05d}" if i % 5 else f"+3592812{i:04d}" for i in range(count)]


def write_records(path: Path, count: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    pool = numbers(10_000)
    month_ms = 31 * 86_400_000
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        for i in range(count):
            start = MONTH_START + timedelta(milliseconds=rnd.randrange(month_ms))
            answered = rnd.random() < 0.8
            answer = start + timedelta(milliseconds=rnd.randrange(1000, 20_000)) if answered else None
            end = (answer or start) + timedelta(milliseconds=rnd.randrange(0, 900_000))
            duration = f"{(end - answer).total_seconds():.3f}" if answer else ""
            writer.writerow((
                f"bench-{i:08d}", rnd.choice(pool), "+31612345678", "192.0.2.1",
                format_time(start), format_time(answer), format_time(end), duration,
                "answered" if answered else "no-answer", 200 if answered else 480,
                "+31611111111" if answered else "", "", "bench-ua/1.0",
            ))


def run_once(ringto: str, path: Path, count: int, jobs: list[str]) -> float:
    began = time.perf_counter()
    proc = subprocess.run(
        [ringto, "billing", "rate", "--cdrs", str(path), "--json", *jobs],
        stdout=subprocess.PIPE, check=True,
    )
    elapsed = time.perf_counter() - began
    lines = proc.stdout.count(b"\n")
    if lines != count + 1:
        raise SystemExit(f"expected {count + 1} output lines, got {lines}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, help="passed to ringto billing rate (default: its own)")
    args = parser.parse_args()
    ringto = str(Path(sys.executable).with_name("ringto"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cdrs.csv"
        write_records(path, args.records)
        size = os.path.getsize(path) / 1e6
        jobs = [] if args.jobs is None else ["--jobs", str(args.jobs)]
        times = [run_once(ringto, path, args.records, jobs) for _ in range(args.runs)]
    best = min(times)
    print(f"{args.records:,} records ({size:.0f} MB CSV), best of {args.runs}: {best:.2f} s "
          f"= {args.records / best:,.0f} records/s (runs: {', '.join(f'{t:.2f}' for t in times)})")


if __name__ == "__main__":
    main()
