#!/usr/bin/env python3
"""The results table of bench/media.sh, from its steps.tsv, as Markdown.

One row per target and step, then per step ringto's ratios to rtpengine and the highest
N each target carried cleanly: every call completed on both sipps, every call found in
the capture, no packet dropped by the capture itself, and loss under the limit (the
issue's criterion); and the highest N that also kept the p99 delay through the relay under
a limit, since a relay that queues seconds of audio loses nothing yet is no use on a call.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path


def number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def clean(row: dict[str, str], max_loss_pct: float) -> bool:
    n = int(row["calls"])
    loss = number(row["loss_pct"])
    return (int(row["ok"]) == n and int(row["failed"]) == 0 and int(row["uas_ok"]) == n
            and int(row["calls_seen"]) == n and int(row["capture_drops"]) == 0
            and loss is not None and loss < max_loss_pct)


def cpu_cell(row: dict[str, str]) -> str:
    if row["target"] == "rtpengine":
        return f"{row['cpu_pct']} + {row['cpu2_pct']} (Kamailio)"
    return row["cpu_pct"]


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a is not None and b else "n/a"


def main(path: Path, max_loss_pct: float, max_delay_ms: float) -> None:
    rows = list(csv.DictReader(path.open(), delimiter="\t"))
    print("| target | N calls | calls ok / failed | packets in | loss % (lost) | pre-bridge | "
          "jitter in ms | added jitter mean / p99 ms | delay in→out p50 / p99 / max ms | "
          "CPU % of one core | capture drops | recordings | clean |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['target']} | {r['calls']} | {r['ok']} / {r['failed']} | {r['packets_in']} | "
              f"{r['loss_pct']} ({r['lost']}) | {r['pre_bridge']} | {r['jitter_in_ms']} | "
              f"{r['added_jitter_ms']} / {r['added_jitter_p99_ms']} | "
              f"{r['delay_p50_ms']} / {r['delay_p99_ms']} / {r['delay_max_ms']} | {cpu_cell(r)} | "
              f"{r['capture_drops']} | {r['recordings']} | "
              f"{'yes' if clean(r, max_loss_pct) else 'no'} |")
    by = {(r["target"], r["calls"]): r for r in rows}
    steps = sorted({r["calls"] for r in rows}, key=int)
    if any(t == "ringto" for t, _ in by) and any(t == "rtpengine" for t, _ in by):
        print()
        print("| N calls | loss % ringto / rtpengine | CPU ringto ÷ rtpengine | "
              "CPU ringto ÷ (rtpengine + Kamailio) |")
        print("|---:|---:|---:|---:|")
        for n in steps:
            a, b = by.get(("ringto", n)), by.get(("rtpengine", n))
            if a is None or b is None:
                continue
            cpu_a, cpu_b, cpu_k = (number(a["cpu_pct"]), number(b["cpu_pct"]), number(b["cpu2_pct"]))
            both = cpu_b + cpu_k if cpu_b is not None and cpu_k is not None else None
            print(f"| {n} | {a['loss_pct']} / {b['loss_pct']} | {ratio(cpu_a, cpu_b)} | "
                  f"{ratio(cpu_a, both)} |")
    print()
    for target in dict.fromkeys(r["target"] for r in rows):
        mine = [r for r in rows if r["target"] == target]
        tried = max(int(r["calls"]) for r in mine)
        good = [int(r["calls"]) for r in mine if clean(r, max_loss_pct)]
        quick = [int(r["calls"]) for r in mine if clean(r, max_loss_pct)
                 and (number(r["delay_p99_ms"]) or 0) < max_delay_ms]
        print(f"- {target}: highest N with every call completed and loss < {max_loss_pct:g} %: "
              f"**{max(good) if good else 'none'}**; and also p99 delay in→out < {max_delay_ms:g} ms: "
              f"**{max(quick) if quick else 'none'}** (tried up to {tried})")


if __name__ == "__main__":
    main(Path(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 0.1,
         float(sys.argv[3]) if len(sys.argv) > 3 else 50)
