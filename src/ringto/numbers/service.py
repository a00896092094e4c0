"""The numbers service: what the CLI (and later the portal) changes, what the engine reads.

The engine uses `normalise`, `NumberRoute` and `NumberDirectory`; the rest validates
and stores operator changes, raising `errors.NumberError` subclasses whose messages
name the offending number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ringto.recordings.schedule import reschedule

from .directory import NumberDirectory, NumberRoute
from .e164 import normalise, number_type, region_of
from .errors import DuplicateNumber, InvalidNumber, InvalidRouting, UnknownNumber
from .info import NumberInfo, info_of
from .models import Customer, RingTarget, ServiceNumber
from .options import NumberOptions, apply_options

__all__ = [
    "STRATEGIES", "NumberDirectory", "NumberInfo", "NumberOptions", "NumberRoute", "add_number",
    "ensure_customer",
    "get_number", "list_numbers", "normalise", "remove_number", "set_suspended", "suspend",
    "unsuspend", "update_number",
]

SessionFactory = Callable[[], Session]
STRATEGIES = ("sequential", "simultaneous")
MAX_RING_TIME_S = 300.0
DEFAULT_CUSTOMER = "default"
KEEP = NumberOptions()


def _now() -> datetime:
    return datetime.now(UTC)


def to_e164(number: str, region: str) -> str:
    """`normalise`, raising InvalidNumber (naming the input) instead of returning None."""
    e164 = normalise(number, region)
    if e164 is None:
        raise InvalidNumber(f"{number!r} is not a valid phone number (region {region})")
    return e164


def _targets(e164: str, forward: Sequence[str], region: str) -> list[str]:
    targets = [to_e164(target, region) for target in forward]
    if not targets:
        raise InvalidRouting(f"{e164}: give at least one ring-to number")
    if e164 in targets:
        raise InvalidRouting(f"{e164}: forwarding a number to itself would loop")
    if len(set(targets)) != len(targets):
        raise InvalidRouting(f"{e164}: a ring-to number is listed twice")
    return targets


def _check_routing(strategy: str, ring_time_s: float) -> None:
    if strategy not in STRATEGIES:
        raise InvalidRouting(f"strategy {strategy!r}: expected one of {', '.join(STRATEGIES)}")
    if not 0 < ring_time_s <= MAX_RING_TIME_S:
        raise InvalidRouting(f"ring time {ring_time_s}: expected 0 < seconds <= {MAX_RING_TIME_S}")


def ensure_customer(session: Session, name: str, email: str | None = None) -> Customer:
    """The customer called `name`, created if it does not exist yet."""
    customer = session.scalar(select(Customer).where(Customer.name == name))
    if customer is None:
        customer = Customer(name=name, email=email, language="en", created=_now())
        session.add(customer)
        session.flush()
    return customer


def _load(session: Session, e164: str) -> ServiceNumber:
    row = session.scalar(select(ServiceNumber).where(ServiceNumber.e164 == e164))
    if row is None:
        raise UnknownNumber(f"{e164} is not a configured service number")
    return row


def add_number(
    session_factory: SessionFactory, number: str, forward: Sequence[str], *,
    strategy: str = "sequential", ring_time_s: float = 20.0,
    customer: str = DEFAULT_CUSTOMER, region: str = "NL", options: NumberOptions = KEEP,
) -> NumberInfo:
    """Configure a new service number forwarding to `forward` (F4)."""
    e164 = to_e164(number, region)
    targets = _targets(e164, forward, region)
    _check_routing(strategy, ring_time_s)
    with session_factory() as session, session.begin():
        if session.scalar(select(ServiceNumber.id).where(ServiceNumber.e164 == e164)):
            raise DuplicateNumber(f"{e164} is already configured")
        now = _now()
        row = ServiceNumber(
            e164=e164, customer=ensure_customer(session, customer), region=region_of(e164),
            number_type=number_type(e164), strategy=strategy, ring_time_s=ring_time_s,
            suspended=False, created=now, updated=now,
            targets=[RingTarget(position=i, e164=t) for i, t in enumerate(targets)],
        )
        apply_options(row, options, new=True)
        session.add(row)
        try:
            session.flush()
        except IntegrityError as exc:  # added concurrently since the check above
            raise DuplicateNumber(f"{e164} is already configured") from exc
        return info_of(row)


def update_number(
    session_factory: SessionFactory, number: str, *, forward: Sequence[str] | None = None,
    strategy: str | None = None, ring_time_s: float | None = None,
    customer: str | None = None, region: str = "NL", options: NumberOptions = KEEP,
) -> NumberInfo:
    """Change what is given and keep the rest."""
    e164 = to_e164(number, region)
    with session_factory() as session, session.begin():
        row = _load(session, e164)
        strategy = row.strategy if strategy is None else strategy
        ring_time_s = row.ring_time_s if ring_time_s is None else ring_time_s
        _check_routing(strategy, ring_time_s)
        if forward is not None:
            targets = _targets(e164, forward, region)
            row.targets.clear()
            session.flush()  # free the (number, position) slots before reusing them
            row.targets.extend(RingTarget(position=i, e164=t) for i, t in enumerate(targets))
        row.strategy, row.ring_time_s = strategy, ring_time_s
        if customer is not None:
            row.customer = ensure_customer(session, customer)
        kept_days = row.retention_days
        apply_options(row, options, new=False)
        if row.retention_days != kept_days:
            reschedule(session, e164, row.retention_days)
        row.updated = _now()
        session.flush()
        return info_of(row)


def list_numbers(session_factory: SessionFactory) -> list[NumberInfo]:
    """Every service number, ordered by E.164."""
    with session_factory() as session:
        rows = session.scalars(select(ServiceNumber).order_by(ServiceNumber.e164)).all()
        return [info_of(row) for row in rows]


def get_number(session_factory: SessionFactory, number: str, region: str = "NL") -> NumberInfo:
    """One service number, in national or international form."""
    with session_factory() as session:
        return info_of(_load(session, to_e164(number, region)))


def remove_number(session_factory: SessionFactory, number: str, region: str = "NL") -> str:
    """Delete a service number and its targets; returns its E.164."""
    e164 = to_e164(number, region)
    with session_factory() as session, session.begin():
        session.delete(_load(session, e164))
    return e164


def set_suspended(
    session_factory: SessionFactory, number: str, suspended: bool, region: str = "NL",
) -> NumberInfo:
    """Suspend (calls refused) or resume a service number (F22 measures)."""
    with session_factory() as session, session.begin():
        row = _load(session, to_e164(number, region))
        row.suspended = suspended
        row.updated = _now()
        return info_of(row)


def suspend(session_factory: SessionFactory, number: str, region: str = "NL") -> NumberInfo:
    """Stop routing calls to a number without forgetting its configuration."""
    return set_suspended(session_factory, number, True, region)


def unsuspend(session_factory: SessionFactory, number: str, region: str = "NL") -> NumberInfo:
    """Route calls to a suspended number again."""
    return set_suspended(session_factory, number, False, region)
