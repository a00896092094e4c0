"""The call engine's in-memory view of the number plan.

A lookup happens on the event loop for every INVITE, so it must never touch the
database: `refresh` (run by the engine in a worker thread every ~2 s) reloads every
number and swaps in a new dict in one assignment, which readers see atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import ServiceNumber


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


def route_of(row: ServiceNumber) -> NumberRoute:
    """The immutable routing view of a loaded `ServiceNumber`."""
    return NumberRoute(
        e164=row.e164,
        customer_id=row.customer_id,
        region=row.region,
        strategy=row.strategy,
        ring_time_s=row.ring_time_s,
        targets=tuple(target.e164 for target in row.targets),
        suspended=row.suspended,
    )


class NumberDirectory:
    """Every configured service number by E.164, reloaded on demand."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self._routes: dict[str, NumberRoute] = {}

    def refresh(self) -> None:
        """Reload all numbers from the database (blocking; call it off the event loop)."""
        with self._session_factory() as session:
            rows = session.scalars(select(ServiceNumber)).all()
            routes = {row.e164: route_of(row) for row in rows}
        self._routes = routes

    def lookup(self, e164: str) -> NumberRoute | None:
        """The route for `e164` as of the last refresh; no I/O."""
        return self._routes.get(e164)
