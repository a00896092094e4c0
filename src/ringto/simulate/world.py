"""The simulated world: customers, their service numbers (lines), callers, and the
growing set of records with their labels.

`World.call` is the one place records are made, as the engine's `CallRecord`s, so the
files have exactly the export's columns and formats.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ringto.calls.cdr import CallRecord

from .phones import (
    FIXED_CARRIER,
    FOREIGN_CARRIER,
    FOREIGN_FIXED,
    FOREIGN_MOBILE,
    MOBILE_CARRIERS,
    NL_FIXED,
    NL_MOBILE,
    Carrier,
    ani,
    phone,
)


@dataclass(frozen=True, slots=True)
class Caller:
    number: str  # '' when hidden
    carrier: Carrier
    cell: str  # '' for fixed lines and callers at home abroad

    @property
    def ani(self) -> str:
        return ani(self.cell) if self.cell else ""


@dataclass
class Line:
    """A service number with its traffic profile."""

    number: str
    kind: str  # tollfree, local, national, premium
    profile: str
    customer: str
    daily: float  # mean calls per weekday
    median_s: float  # median talk time
    ring_to: str
    regulars: list[Caller] = field(default_factory=list)
    office_ips: list[str] = field(default_factory=list)  # phone account devices, if any


@dataclass
class Customer:
    id: str
    holder_phones: list[str]
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AuthFailureRow:
    time: float
    source_ip: str
    username: str
    user_agent: str


@dataclass
class World:
    rng: random.Random
    start: float
    days: int
    customers: list[Customer] = field(default_factory=list)
    calls: list[CallRecord] = field(default_factory=list)
    carrier_only: list[CallRecord] = field(default_factory=list)
    carrier_changes: dict[str, tuple[bool, float]] = field(default_factory=dict)
    auth_failures: list[AuthFailureRow] = field(default_factory=list)
    labels: list[tuple[str, str, str]] = field(default_factory=list)
    claimed: set[str] = field(default_factory=set)  # lines an injected pattern uses

    @property
    def lines(self) -> list[Line]:
        return [line for customer in self.customers for line in customer.lines]

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def fresh_caller(self) -> Caller:
        """Someone new: mostly Dutch mobiles, some fixed lines, visitors, hidden numbers."""
        rng = self.rng
        draw = rng.random()
        if draw < 0.68:
            carrier = rng.choice(MOBILE_CARRIERS)
            return Caller(phone(rng, NL_MOBILE), carrier, carrier.cell(rng))
        if draw < 0.88:
            return Caller(phone(rng, NL_FIXED), FIXED_CARRIER, "")
        if draw < 0.92:  # a visitor roaming on a Dutch network
            host = rng.choice(MOBILE_CARRIERS)
            return Caller(phone(rng, FOREIGN_MOBILE), host, host.cell(rng))
        if draw < 0.96:
            return Caller(phone(rng, FOREIGN_FIXED + FOREIGN_MOBILE), FOREIGN_CARRIER, "")
        return Caller("", FIXED_CARRIER, "")

    def human_duration(self, median_s: float) -> float:
        """Talk time: log-normal around the line's median, capped at 8x; a few hang up at once."""
        if self.rng.random() < 0.02:
            return self.rng.uniform(0.1, 3.0)
        return min(median_s * math.exp(self.rng.gauss(0.0, 0.7)), 8 * median_s, 4 * 3600.0)

    def call(self, line_number: str, caller: Caller, start: float, duration: float | None, *,
             ring_to: str, ip: str | None = None, user_agent: str | None = None,
             cell: str | None = None, label: str | None = None) -> CallRecord:
        """Record one call; `duration` None means it was not answered."""
        rng = self.rng
        ip = ip or rng.choice(caller.carrier.ips)
        where = caller.ani if cell is None else (ani(cell) if cell else "")
        record = CallRecord(
            call_id=self.new_id(), sip_call_id="", service_number=line_number,
            caller=caller.number or None, caller_ip=ip, caller_port=5060, start=_moment(start),
            ring_to=ring_to or None, access_network_info=where or None,
            user_agent=user_agent or caller.carrier.user_agent,
        )
        if duration is None:
            ring = rng.uniform(2.0, 30.0)
            record.end = _moment(start + ring)
            record.disposition, record.sip_code = rng.choice(
                (("no-answer", 480), ("busy", 486), ("cancelled", 487), ("cancelled", 487)))
        else:
            answer = start + rng.uniform(1.0, 12.0)
            record.answer, record.end = _moment(answer), _moment(answer + duration)
            record.disposition, record.sip_code = "answered", 200
        self.calls.append(record)
        if label:
            self.label("call", record.call_id, label)
        return record

    def label(self, kind: str, ident: str, category: str) -> None:
        self.labels.append((kind, ident, category))


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(round(seconds, 3), UTC)
