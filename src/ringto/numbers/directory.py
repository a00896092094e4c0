"""The call engine's in-memory view of the number plan.

A lookup happens on the event loop for every INVITE, so it must never touch the
database: `refresh` (run by the engine in a worker thread every ~2 s) reloads every
number and swaps in a new dict in one assignment, which readers see atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from ringto.flows import FlowError, Step, default_flow, effective_flow, parse_flow

from .models import ServiceNumber

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class NumberRoute:
    """How to route calls to one service number."""

    e164: str
    customer_id: int
    region: str
    strategy: str
    ring_time_s: float
    targets: tuple[str, ...]
    suspended: bool
    # The call flow to run, with the number's record switch already applied
    # (flows.effective_flow): a number without a stored flow forwards to `targets`.
    flow: Step
    record: bool
    language: str  # prompts and voicemail mail: en, nl or bg
    timezone: str  # IANA zone for opening hours and the local time in voicemail mail
    voicemail_email: str | None  # the number's address, else the customer's; None: no voicemail mail
    retention_days: int


def parsed_flow(row: ServiceNumber) -> Step:
    """The number's own flow, or the forward flow built from its targets.

    A stored flow was validated when set, so failing now means the rules changed
    under it: say so loudly and keep the number forwarding rather than unrouted."""
    default = default_flow([target.e164 for target in row.targets], row.strategy, row.ring_time_s)
    if row.flow is None:
        return default
    try:
        return parse_flow(row.flow, service_number=row.e164)
    except FlowError as exc:
        log.error("stored flow no longer valid; forwarding to the targets", number=row.e164, error=str(exc))
        return default


def route_of(row: ServiceNumber, flow: Step | None = None) -> NumberRoute:
    """The immutable routing view of a loaded `ServiceNumber` (`flow`: its parsed flow, if known)."""
    return NumberRoute(
        e164=row.e164,
        customer_id=row.customer_id,
        region=row.region,
        strategy=row.strategy,
        ring_time_s=row.ring_time_s,
        targets=tuple(target.e164 for target in row.targets),
        suspended=row.suspended,
        flow=effective_flow(flow or parsed_flow(row), row.record),
        record=row.record,
        language=row.language,
        timezone=row.timezone,
        voicemail_email=row.voicemail_email or row.customer.email,
        retention_days=row.retention_days,
    )


class NumberDirectory:
    """Every configured service number by E.164, reloaded on demand."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self._routes: dict[str, NumberRoute] = {}
        self._flows: dict[tuple[str, datetime], Step] = {}

    def refresh(self) -> None:
        """Reload all numbers from the database (blocking; call it off the event loop).

        Parsed flows are kept by (number, last change), so a refresh validates only the
        flows that changed since the last one."""
        with self._session_factory() as session:
            rows = session.scalars(select(ServiceNumber)).all()
            flows = {(row.e164, row.updated): self._flows.get((row.e164, row.updated)) or parsed_flow(row)
                     for row in rows}
            routes = {row.e164: route_of(row, flows[row.e164, row.updated]) for row in rows}
        self._flows = flows
        self._routes = routes

    def lookup(self, e164: str) -> NumberRoute | None:
        """The route for `e164` as of the last refresh; no I/O."""
        return self._routes.get(e164)
