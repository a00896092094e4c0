"""The inline verdict: asked by the engine for every new call, after the number lookup.

Only cheap, local checks run here (dict and set lookups, one counter): banned source IPs
(with expiry), callers blocked on the number or everywhere, numbers a measure suspended,
and the flood limiter, which refuses a caller who has just made many very short calls
to the same number. Everything that needs history or the database runs in the detector
thread on the events the guard forwards (detector.py).

The blocking state is rebuilt from the measures table off the event loop every ~2 s
(`load`, like the number directory) and swapped in with one assignment. A measure the
detector applies in this process is also put into force here at once (`put_in_force`),
and kept across reloads for a short while, so a reload that started before the measure
was committed cannot undo it.

A blocked caller gets 603 Decline: the refusal is about who calls, and 603 tells the
calling network not to try the same callee elsewhere (RFC 3261 §21.6.2). Everything
else (banned IP, suspended number, flooding) gets 403 Forbidden, as a suspended number
already does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .events import CallAnswered, CallAttempt, CallEnded, EventSink
from .measures import SUSPENDING, active
from .models import FraudMeasure
from .windows import MemoryCounter

KEEP_LOCAL_S = 30.0


@dataclass(frozen=True, slots=True)
class Verdict:
    action: str  # allow | reject | watch
    cause: str | None = None
    sip_code: int | None = None

    @property
    def rejects(self) -> bool:
        return self.action == "reject"


ALLOW = Verdict("allow")
BLOCKED = Verdict("reject", "caller blocked", 603)
BANNED = Verdict("reject", "source IP banned", 403)
SUSPENDED = Verdict("reject", "number suspended", 403)
FLOODING = Verdict("reject", "call flooding", 403)
WATCH = Verdict("watch", "caller under watch")


@dataclass(slots=True)
class GuardState:
    """What the verdict checks; a new one replaces the old in one assignment."""

    blocked_pairs: set[tuple[str, str]] = field(default_factory=set)  # (number, caller)
    blocked_callers: set[str] = field(default_factory=set)
    banned_ips: dict[str, float] = field(default_factory=dict)  # ip -> until (UNIX time, inf)
    suspended: set[str] = field(default_factory=set)

    def add(self, measure: FraudMeasure) -> None:
        until = measure.expires_utc.timestamp() if measure.expires_utc else float("inf")
        if measure.kind == "block_caller" and measure.caller:
            if measure.number_e164:
                self.blocked_pairs.add((measure.number_e164, measure.caller))
            else:
                self.blocked_callers.add(measure.caller)
        elif measure.kind == "ban_ip" and measure.source_ip:
            self.banned_ips[measure.source_ip] = max(until, self.banned_ips.get(measure.source_ip, 0))
        elif measure.kind in SUSPENDING:
            self.suspended.update((measure.details or {}).get("numbers") or [measure.number_e164])


@dataclass(frozen=True)
class FloodLimit:
    """More than `calls` answered calls shorter than `short_s` from one caller to one
    number within `window_s` seconds: seed 004 item 5 calls these under 0.5 s."""

    calls: int = 5
    window_s: float = 10.0
    short_s: float = 0.5


class Guard:
    """Verdicts for the engine, and the tap that turns its records into detector events."""

    def __init__(self, sink: EventSink | None = None, flood: FloodLimit = FloodLimit(),
                 clock: Callable[[], float] = time.time) -> None:
        self.sink = sink
        self.flood = flood
        self.clock = clock
        self.state = GuardState()
        self.watched: set[str] = set()
        self._short = MemoryCounter(flood.window_s, max_keys=50_000)
        self._local: list[tuple[float, FraudMeasure]] = []

    # -- on the event loop ------------------------------------------------------------
    def verdict(self, number: str, caller: str | None, source_ip: str | None) -> Verdict:
        state = self.state
        if source_ip is not None:
            until = state.banned_ips.get(source_ip)
            if until is not None and until > self.clock():
                return BANNED
        if number in state.suspended:
            return SUSPENDED
        if caller is not None:
            if caller in state.blocked_callers or (number, caller) in state.blocked_pairs:
                return BLOCKED
            if self._short.count(f"{number}|{caller}", self.clock()) >= self.flood.calls:
                return FLOODING
            if caller in self.watched:
                return WATCH
        return ALLOW

    def observe(self, writer):  # noqa: ANN001, ANN201 - any RecordWriter-shaped object
        """`writer` wrapped so every record the engine files also reaches the guard."""
        return _Tap(writer, self)

    def call_ended(self, event: CallEnded) -> None:
        if event.caller is not None and event.talk_s is not None and event.talk_s < self.flood.short_s:
            self._short.add(f"{event.number}|{event.caller}", event.at)

    def sweep(self) -> None:
        self._short.sweep(self.clock())

    # -- off the loop -----------------------------------------------------------------
    def load(self, session_factory: Callable[[], Session]) -> None:
        """Rebuild the state from the measures in force (blocking: run it in a thread)."""
        started = self.clock()
        with session_factory() as session:
            measures = list(session.scalars(active(select(FraudMeasure)).where(
                FraudMeasure.kind.in_(("block_caller", "ban_ip", *SUSPENDING)))))
        state = GuardState()
        self._local = [(at, m) for at, m in self._local if at > started - KEEP_LOCAL_S]
        for measure in _in_force([*measures, *(m for _, m in self._local)]):
            state.add(measure)
        self.state = state

    def put_in_force(self, measures: Iterable[FraudMeasure]) -> None:
        """Measures just applied in this process take effect now, not at the next reload."""
        state = GuardState(set(self.state.blocked_pairs), set(self.state.blocked_callers),
                           dict(self.state.banned_ips), set(self.state.suspended))
        for measure in measures:
            self._local.append((self.clock(), measure))
            state.add(measure)
        self.state = state


def _in_force(measures: Iterable[FraudMeasure]) -> Iterable[FraudMeasure]:
    now = datetime.now(UTC)
    return (m for m in measures if m.lifted_utc is None and (m.expires_utc is None or m.expires_utc > now))


class _Tap:
    """Forwards the engine's record snapshots to the writer and, as events, to the guard
    and the detector: the engine files a record exactly at attempt, answer and end."""

    def __init__(self, writer, guard: Guard) -> None:  # noqa: ANN001
        self._writer = writer
        self._guard = guard

    def __getattr__(self, name: str):  # noqa: ANN204 - flush, close, ... go to the writer
        return getattr(self._writer, name)

    def call_started(self, rec) -> None:  # noqa: ANN001
        self._writer.call_started(rec)
        if self._guard.sink is not None:
            self._guard.sink.submit(CallAttempt(rec.start.timestamp(), rec.call_id, rec.service_number,
                                                rec.caller, rec.caller_ip))

    def call_answered(self, rec) -> None:  # noqa: ANN001
        self._writer.call_answered(rec)
        if self._guard.sink is not None:
            self._guard.sink.submit(CallAnswered(rec.answer.timestamp(), rec.call_id, rec.service_number,
                                                 rec.caller, rec.caller_ip, rec.ring_to))

    def call_ended(self, rec) -> None:  # noqa: ANN001
        self._writer.call_ended(rec)
        event = CallEnded(rec.end.timestamp(), rec.call_id, rec.service_number, rec.caller,
                          rec.caller_ip, rec.disposition, rec.duration_s)
        self._guard.call_ended(event)
        if self._guard.sink is not None:
            self._guard.sink.submit(event)


class AllowAll:
    """The engine's guard when fraud checks are off: every call allowed, no events."""

    def verdict(self, number: str, caller: str | None, source_ip: str | None) -> Verdict:
        return ALLOW

    def observe(self, writer):  # noqa: ANN001, ANN201
        return writer


ALLOW_ALL = AllowAll()
