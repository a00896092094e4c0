"""Fraud scan quality and speed: `ringto simulate traffic` + `ringto fraud scan` on files.

For each seed: simulate DAYS days of traffic on NUMBERS numbers with every category
injected, write the five files, then read and scan them in this process and score the
alerts against labels.csv the way the issue defines it (an alert's call ids are flagged
calls of its category; for pbx_hacking also its subject IP). Records/s counts every
input row the scan reads (our records, the carrier's, authentication failures) over the
wall time of reading plus scanning; CPU s is the process time of the same span.

    .venv/bin/python bench/fraud.py                       # 30 days x 1,000 numbers, seeds 1-3
    .venv/bin/python bench/fraud.py --seeds 7 --numbers 200 --days 7    # a quick look
"""

from __future__ import annotations

import argparse
import csv
import gc
import tempfile
import time
from pathlib import Path

from ringto.fraud.alert import CATEGORIES
from ringto.fraud.scan import scan_files
from ringto.simulate.run import simulate, write
from ringto.simulate.score import Score, score


def simulate_files(days: int, numbers: int, seed: int, folder: Path) -> int:
    """Write the simulated files; returns the rows a scan reads. The world is dropped on
    return, so the scan runs in a process about as lean as `ringto fraud scan`."""
    counts = write(simulate(days, numbers, CATEGORIES, seed), folder)
    return counts["cdrs.csv"] + counts["carrier_cdrs.csv"] + counts["auth_failures.csv"]


def run_seed(days: int, numbers: int, seed: int, folder: Path) -> tuple[dict[str, Score], int, float, float]:
    rows = simulate_files(days, numbers, seed, folder)
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    alerts = scan_files(str(folder / "cdrs.csv"), str(folder / "auth_failures.csv"),
                        str(folder / "carrier_cdrs.csv"), str(folder / "numbers.csv"))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    with (folder / "labels.csv").open(newline="") as stream:
        labels = [(row["kind"], row["id"], row["category"]) for row in csv.DictReader(stream)]
    return score(alerts, labels), rows, wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--numbers", type=int, default=1000)
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated")
    args = parser.parse_args()
    worst: dict[str, tuple[float, float]] = {c: (1.0, 1.0) for c in CATEGORIES}
    for seed in (int(s) for s in args.seeds.split(",")):
        with tempfile.TemporaryDirectory(prefix="ringto-fraud-bench-") as tmp:
            scores, rows, wall, cpu = run_seed(args.days, args.numbers, seed, Path(tmp))
        print(f"seed {seed}: {rows:,} records in {wall:.2f} s wall ({cpu:.2f} s CPU): "
              f"{rows / wall:,.0f} records/s wall, {rows / cpu:,.0f} records/s CPU")
        print(f"  {'category':20} {'precision':>9} {'recall':>7} {'flagged':>8} {'labelled':>8}")
        for category, result in scores.items():
            print(f"  {category:20} {result.precision:9.3f} {result.recall:7.3f} "
                  f"{result.flagged:8} {result.labelled:8}")
            low_p, low_r = worst[category]
            worst[category] = (min(low_p, result.precision), min(low_r, result.recall))
    print("worst over seeds:")
    for category, (low_p, low_r) in worst.items():
        mark = "" if low_p >= 0.95 and low_r >= 0.95 else "  BELOW TARGET"
        print(f"  {category:20} precision {low_p:.3f} recall {low_r:.3f}{mark}")


if __name__ == "__main__":
    main()
