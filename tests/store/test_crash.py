"""A writer killed with SIGKILL after flush keeps every ended call (F11, principle 6)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from ringto.calls.records import close_interrupted, list_calls

# Runs in a child process: store ended and in-progress calls, flush, report, then hang.
CHILD = """
import sys, time
from ringto.calls.cdr import utcnow
from ringto.store.db import make_engine
from ringto.calls.records import RecordWriter
from tests.store.helpers import answered, started

writer = RecordWriter(make_engine(sys.argv[1]), "node-k", batch_ms=20)
writer.start()
now = utcnow()
for n in range(500):
    rec = started(n, now)
    writer.call_started(rec)
    if n % 5:
        writer.call_ended(answered(rec))
writer.flush()
print("flushed", flush=True)
time.sleep(600)
"""


def test_sigkill_after_flush_loses_no_ended_call(engine, sessions, migrated_url) -> None:
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, migrated_url],
        cwd=root, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "flushed"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    records = list_calls(sessions, limit=None)
    ended = [r for r in records if r.disposition == "answered"]
    assert len(records) == 500 and len(ended) == 400
    assert all(r.duration_s == 61.457 and len(r.attempts) == 2 for r in ended)
    assert close_interrupted(engine, "node-k") == 100
    interrupted = [r for r in list_calls(sessions, limit=None) if r.disposition == "interrupted"]
    assert len(interrupted) == 100
    # ended at the node's last heartbeat: after the start, before the kill
    assert all(r.start <= r.end <= r.start + timedelta(seconds=30) for r in interrupted)
