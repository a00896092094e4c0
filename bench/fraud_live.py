"""Live fraud side: the engine's inline verdict latency, and the detector's memory.

    .venv/bin/python bench/fraud_live.py verdict [--calls 200000]
    .venv/bin/python bench/fraud_live.py memory [--callers 1000000] [--limit-mb 500]
    .venv/bin/python bench/fraud_live.py events [--calls 100000]

`verdict` times `Guard.verdict` (what the engine asks for every new call) against a
guard loaded with 100,000 blocked callers, 10,000 blocked caller/number pairs, 10,000
banned IPs and a warm flood limiter, over a mix of allowed, blocked, banned and
flooding calls; it prints p50/p99/p99.9/max in microseconds (perf_counter_ns per call,
so the figures include the timer's own ~0.1 µs).

`memory` feeds the detector's rules (`LiveRules`) and the guard's flood limiter the
events of CALLERS distinct callers (one attempt and one 0.2 s answered call each, to
1,000 numbers from 100 source IPs: every per-caller window gets an entry) and prints
the process's resident memory before and after (VmRSS from /proc), exiting 1 when the
growth is over --limit-mb.

`events` is what fraud checking adds to each call in `ringto serve`: the verdict, the
three records turned into events through the guard's tap, and the detector thread
handling them (alerts off), as CPU time of the whole process per call; 20 % of the
callers call twice, so some windows are hit again.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ringto.calls.cdr import CallRecord
from ringto.fraud.detector import Detector, LiveRules
from ringto.fraud.events import CallAttempt, CallEnded
from ringto.fraud.models import FraudMeasure
from ringto.fraud.verdict import Guard


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def loaded_guard() -> Guard:
    guard = Guard()
    measures = [FraudMeasure(kind="block_caller", caller=f"+3161{n:07d}", details={})
                for n in range(100_000)]
    measures += [FraudMeasure(kind="block_caller", caller=f"+3162{n:07d}",
                              number_e164=f"+31900{n % 1000:07d}", details={}) for n in range(10_000)]
    measures += [FraudMeasure(kind="ban_ip", source_ip=f"10.{n // 256}.{n % 256}.1", details={})
                 for n in range(10_000)]
    guard.put_in_force(measures)
    now = time.time()
    for n in range(20_000):
        guard.call_ended(CallEnded(now, str(n), f"+31900{n % 1000:07d}", f"+3163{n % 2000:07d}",
                                   "192.0.2.1", "answered", 0.2))
    return guard


def bench_verdict(calls: int) -> None:
    guard = loaded_guard()
    rng = random.Random(4)
    mix = []
    for _ in range(calls):
        kind = rng.random()
        number = f"+31900{rng.randrange(1000):07d}"
        if kind < 0.85:
            mix.append((number, f"+3164{rng.randrange(10**7):07d}", f"192.0.2.{rng.randrange(256)}"))
        elif kind < 0.90:
            mix.append((number, f"+3161{rng.randrange(100_000):07d}", "192.0.2.9"))
        elif kind < 0.95:
            mix.append((number, f"+3164{rng.randrange(10**7):07d}", f"10.{rng.randrange(39)}.7.1"))
        else:
            mix.append((number, f"+3163{rng.randrange(2000):07d}", "192.0.2.9"))
    verdict = guard.verdict
    timer = time.perf_counter_ns
    samples = []
    gc.disable()
    for number, caller, ip in mix:
        start = timer()
        verdict(number, caller, ip)
        samples.append(timer() - start)
    gc.enable()
    samples.sort()

    def at(q: float) -> float:
        return samples[min(len(samples) - 1, int(q * len(samples)))] / 1000

    print(f"verdict over {calls} calls: p50 {at(0.5):.2f} us  p99 {at(0.99):.2f} us  "
          f"p99.9 {at(0.999):.2f} us  max {samples[-1] / 1000:.1f} us")


def bench_memory(callers: int, limit_mb: float) -> int:
    rules = LiveRules(customer_of=lambda number: int(number[-3:]))
    guard = Guard()
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    now = time.time()
    for n in range(callers):
        caller, number, ip = f"+3161{n:07d}", f"+31900{n % 1000:07d}", f"192.0.2.{n % 100}"
        rules.handle(CallAttempt(now, str(n), number, caller, ip))
        ended = CallEnded(now + 0.3, str(n), number, caller, ip, "answered", 0.2)
        rules.handle(ended)
        guard.call_ended(ended)
    elapsed = time.perf_counter() - start
    gc.collect()
    grown = rss_mb() - before
    keys = len(rules.attempts["caller"]) + len(rules.short)
    print(f"{callers} callers: +{grown:.0f} MB resident ({grown * 2**20 / callers:.0f} bytes per "
          f"caller; {keys} window keys), {callers * 2 / elapsed:,.0f} events/s")
    return 0 if grown < limit_mb else 1


class _NoWriter:
    def call_started(self, rec: CallRecord) -> None: ...
    def call_answered(self, rec: CallRecord) -> None: ...
    def call_ended(self, rec: CallRecord) -> None: ...


def bench_events(calls: int) -> None:
    guard = Guard()
    detector = Detector(LiveRules(), on_alerts=lambda alerts: None)
    guard.sink = detector
    tap = guard.observe(_NoWriter())
    start = datetime.now(UTC)
    records = [CallRecord(str(n), f"sip-{n}", f"+31900{n % 1000:07d}", f"+3161{n % (calls * 4 // 5):07d}",
                          "192.0.2.1", 5060, start) for n in range(calls)]
    detector.start()
    cpu = time.process_time()
    wall = time.perf_counter()
    for rec in records:
        guard.verdict(rec.service_number, rec.caller, rec.caller_ip)
        tap.call_started(rec)
        rec.answer = rec.start + timedelta(seconds=1)
        tap.call_answered(rec)
        rec.end, rec.disposition = rec.answer + timedelta(seconds=60), "answered"
        tap.call_ended(rec)
    detector.flush(timeout=120)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    detector.close()
    print(f"{calls} calls: {cpu / calls * 1e6:.1f} us CPU per call for verdict + events + detector "
          f"({calls / wall:,.0f} calls/s through the detector)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["verdict", "memory", "events"])
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--callers", type=int, default=1_000_000)
    parser.add_argument("--limit-mb", type=float, default=500.0)
    args = parser.parse_args()
    if args.what == "verdict":
        bench_verdict(args.calls)
        return 0
    if args.what == "events":
        bench_events(args.calls)
        return 0
    return bench_memory(args.callers, args.limit_mb)


if __name__ == "__main__":
    sys.exit(main())
