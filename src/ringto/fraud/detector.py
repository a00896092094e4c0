"""The live detector: events in, sliding windows per subject, alerts out, off the hot path.

`LiveRules` is the plain core (no threads, no I/O besides its counters): it keeps the
windows per service number, caller, source IP, customer and destination prefix, and
says when an event crosses a threshold. `Detector` is the thin shell: the engine's
`submit` only puts the event on a queue; a daemon thread drains it, runs the rules and
hands each batch's alerts (merged per case) to `on_alerts`, which opens cases and
applies measures (desk.py). A case's first alert goes out at once (a flood is blocked
within the second); repeats of it are gathered and sent at most every `REPEAT_S`, so
an attack of thousands of calls a second updates its case a few times a minute instead
of writing to the database for every call.

Live rules cover what must act within seconds: call flooding (short calls from one
caller to one number), SIP password guessing (authentication failures per source IP
and per account, and a registration from an IP that was just guessing), and one caller
far above any normal calling rate. The slower, history-heavy categories are found by
`ringto fraud scan` on the records.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy.exc import OperationalError

from .cases import Alert, merge
from .events import AuthFailure, CallAnswered, CallAttempt, CallEnded, Event, Registration
from .verdict import FloodLimit
from .windows import Counter, MemoryCounter

log = structlog.get_logger(__name__)

SUBJECTS = ("number", "caller", "ip", "customer", "prefix")
EVIDENCE_KEYS = 20_000
EVIDENCE_IDS = 20
GATHER_S = 0.05  # events gather this long before the thread wakes for them
REPEAT_S = 5.0  # a case hears from the same ongoing alert at most this often
MAX_BACKLOG = 200_000  # events waiting; beyond it (detector stuck on a dead database) new ones are dropped
_STOP = object()


@dataclass(frozen=True)
class LiveThresholds:
    """Defaults: flooding as in seed 004 item 5 (see FloodLimit); ten failed logins from one
    address (or on one account) in a minute is guessing, not a mistyped password; 60
    calls a minute from one caller is beyond any person dialling."""

    flood: FloodLimit = FloodLimit()
    auth_failures: int = 10
    auth_window_s: float = 60.0
    caller_calls: int = 60
    rate_window_s: float = 60.0


CounterFactory = Callable[[str, float], Counter]


def memory_counters(name: str, window_s: float) -> Counter:
    return MemoryCounter(window_s)


def _utc(at: float) -> datetime:
    return datetime.fromtimestamp(at, UTC)


class LiveRules:
    """Windows per subject and the live rules over them."""

    def __init__(self, counters: CounterFactory = memory_counters,
                 thresholds: LiveThresholds = LiveThresholds(),
                 customer_of: Callable[[str], int | None] = lambda number: None) -> None:
        t = self.thresholds = thresholds
        self.customer_of = customer_of
        self.attempts = {kind: counters(f"attempts:{kind}", t.rate_window_s) for kind in SUBJECTS}
        self.short = counters("short", t.flood.window_s)
        self.auth_ip = counters("auth:ip", t.auth_window_s)
        self.auth_user = counters("auth:user", t.auth_window_s)
        self._evidence: dict[str, deque[tuple[float, str]]] = {}

    def handle(self, event: Event) -> list[Alert]:
        if isinstance(event, CallAttempt):
            return self._attempt(event)
        if isinstance(event, CallAnswered):
            if event.ring_to:
                self.attempts["prefix"].add(event.ring_to[:6], event.at)
            return []
        if isinstance(event, CallEnded):
            return self._ended(event)
        if isinstance(event, AuthFailure):
            return self._auth_failure(event)
        if isinstance(event, Registration):
            return self._registration(event)
        return []

    def sweep(self, now: float) -> None:
        for counter in (*self.attempts.values(), self.short, self.auth_ip, self.auth_user):
            counter.sweep(now)

    def _attempt(self, event: CallAttempt) -> list[Alert]:
        self.attempts["number"].add(event.number, event.at)
        if event.source_ip:
            self.attempts["ip"].add(event.source_ip, event.at)
        customer = self.customer_of(event.number)
        if customer is not None:
            self.attempts["customer"].add(str(customer), event.at)
        if event.caller is None:
            return []
        rate = self.attempts["caller"].add(event.caller, event.at)
        if rate < self.thresholds.caller_calls:
            return []
        return [Alert("abnormal_usage", event.caller, _utc(event.at), _utc(event.at), "medium",
                      (event.call_id,), event.number, customer, event.caller, event.source_ip,
                      f"{rate:.0f} calls from {event.caller} within {self.thresholds.rate_window_s:g} s")]

    def _ended(self, event: CallEnded) -> list[Alert]:
        flood = self.thresholds.flood
        if event.caller is None or event.talk_s is None or event.talk_s >= flood.short_s:
            return []
        key = f"{event.number}|{event.caller}"
        count = self.short.add(key, event.at)
        recent = self._remember(key, event)
        if count < flood.calls:
            return []
        first = min(at for at, _ in recent if at > event.at - flood.window_s)
        ids = tuple(call_id for at, call_id in recent if at >= first)
        return [Alert("call_flooding", event.caller, _utc(first), _utc(event.at), "high", ids,
                      event.number, self.customer_of(event.number), event.caller, event.source_ip,
                      f"{count:.0f} calls under {flood.short_s:g} s from {event.caller} to "
                      f"{event.number} within {flood.window_s:g} s")]

    def _remember(self, key: str, event: CallEnded) -> list[tuple[float, str]]:
        """The latest short calls of `key` as (end time, call id), for the evidence."""
        recent = self._evidence.get(key)
        if recent is None:
            if len(self._evidence) >= EVIDENCE_KEYS:
                del self._evidence[next(iter(self._evidence))]
            recent = self._evidence[key] = deque(maxlen=EVIDENCE_IDS)
        recent.append((event.at, event.call_id))
        return list(recent)

    def _auth_failure(self, event: AuthFailure) -> list[Alert]:
        t = self.thresholds
        by_ip = self.auth_ip.add(event.source_ip, event.at)
        by_user = self.auth_user.add(event.username, event.at)
        alerts = []
        if by_ip >= t.auth_failures:
            alerts.append(self._pbx(event, event.source_ip, f"{by_ip:.0f} failed SIP logins from "
                                    f"{event.source_ip} within {t.auth_window_s:g} s"))
        if by_user >= t.auth_failures:
            alerts.append(self._pbx(event, f"account {event.username}", f"{by_user:.0f} failed SIP "
                                    f"logins on {event.username} within {t.auth_window_s:g} s"))
        return alerts

    def _registration(self, event: Registration) -> list[Alert]:
        if self.auth_ip.count(event.source_ip, event.at) < self.thresholds.auth_failures / 2:
            return []
        return [self._pbx(event, event.source_ip, f"{event.username} registered from "
                          f"{event.source_ip} right after failed logins from there", "critical")]

    @staticmethod
    def _pbx(event: AuthFailure | Registration, subject: str, summary: str,
             severity: str = "high") -> Alert:
        return Alert("pbx_hacking", subject, _utc(event.at), _utc(event.at), severity,
                     source_ip=event.source_ip, summary=summary,
                     extra={"username": event.username, "user_agent": event.user_agent})


class Detector:
    """Runs `LiveRules` in a daemon thread; `submit` never blocks the event loop."""

    def __init__(self, rules: LiveRules, on_alerts: Callable[[list[Alert]], None],
                 sweep_every_s: float = 30.0) -> None:
        self.rules = rules
        self.on_alerts = on_alerts
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._sweep_every_s = sweep_every_s
        self._sent_at: dict[tuple[str, str, str | None], float] = {}
        self._held: dict[tuple[str, str, str | None], Alert] = {}
        self.dropped = 0

    def submit(self, event: Event) -> None:
        if self._queue.qsize() >= MAX_BACKLOG:
            if not self.dropped:
                log.error("fraud detector behind: dropping events", backlog=MAX_BACKLOG)
            self.dropped += 1
            return
        self._queue.put(event)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ringto-fraud", daemon=True)
        self._thread.start()

    def flush(self, timeout: float = 5.0) -> None:
        """Return once everything submitted before is handled (alerts included)."""
        done = threading.Event()
        self._queue.put(done)
        if not done.wait(timeout):
            raise TimeoutError(f"fraud events not handled within {timeout} s")

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        next_sweep = time.monotonic() + self._sweep_every_s
        while True:
            batch = self._take()
            alerts: list[Alert] = []
            for item in batch:
                if isinstance(item, Event):
                    alerts.extend(self.rules.handle(item))
            flushing = any(isinstance(item, threading.Event) or item is _STOP for item in batch)
            self._deliver(alerts, time.monotonic(), everything=flushing)
            for item in batch:
                if isinstance(item, threading.Event):
                    item.set()
            if _STOP in batch:
                return
            if time.monotonic() >= next_sweep:
                self.rules.sweep(time.time())
                next_sweep = time.monotonic() + self._sweep_every_s

    def _take(self) -> list[object]:
        """What is queued, waiting for the first item at most until held alerts are due.

        After the first event the batch gathers for `GATHER_S`, as the record writer's
        does: one wake-up per batch instead of one per event, so the detector does not
        take the GIL from the event loop three times a call."""
        try:
            batch = [self._queue.get(timeout=REPEAT_S / 2 if self._held else None)]
        except queue.Empty:
            return []
        if isinstance(batch[0], Event):
            time.sleep(GATHER_S)
        while True:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                return batch

    def _deliver(self, alerts: list[Alert], now: float, *, everything: bool = False) -> None:
        """Send new alerts, hold repeats of recent ones, send what was held once due."""
        due: list[Alert] = []
        for alert in merge(alerts):
            key = (alert.category, alert.subject, alert.number_e164)
            held = self._held.pop(key, None)
            if held is not None:
                alert = merge([held, alert])[0]
            if now - self._sent_at.get(key, -REPEAT_S) >= REPEAT_S:
                due.append(alert)
                self._sent_at[key] = now
            else:
                self._held[key] = alert
        for key in [k for k in self._held if everything or now - self._sent_at[k] >= REPEAT_S]:
            due.append(self._held.pop(key))
            self._sent_at[key] = now
        if len(self._sent_at) > EVIDENCE_KEYS:  # forget alerts long quiet, keep memory bounded
            self._sent_at = {k: t for k, t in self._sent_at.items() if now - t < REPEAT_S}
        if not due:
            return
        try:
            self.on_alerts(due)  # one alert per case: new ones merged above, held ones by key
        except OperationalError as exc:  # database busy or away: the desk rolled back, retry
            log.warning("fraud alerts held for another try", alerts=len(due), error=str(exc))
            for alert in due:
                key = (alert.category, alert.subject, alert.number_e164)
                held = self._held.get(key)
                self._held[key] = alert if held is None else merge([held, alert])[0]
        except Exception:  # a failing desk must not stop detection
            log.exception("fraud alerts not handled", alerts=len(due))
