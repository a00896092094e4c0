"""Measures against abuse (seed 004, "Te nemen maatregelen"), applied and lifted with a log.

Each measure is a `FraudMeasure` row naming who or what applied it (a person, or
`policy:<category>` for automatic ones) and, once lifted, who lifted it. The row is also
the switch: the call engine's guard reads active blocks, bans and suspensions from it
(see verdict.py). Side effects that live elsewhere are made here in the same
transaction: the number's `suspended` flag, payout holds (billing's API), the warning
notice queued for the mail issue to deliver.

Disconnecting a number suspends it as a fraud measure (kept apart from a staff
suspension, liftable); deleting it for good stays `ringto number remove`. Ending the
agreement suspends every number of the customer and holds all its payouts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ringto.billing.holds import hold_payouts, release_payouts
from ringto.numbers.models import Customer, ServiceNumber

from .cases import Alert
from .models import FraudCase, FraudMeasure, FraudNotice

# kind -> what it needs
KINDS: dict[str, tuple[str, ...]] = {
    "warn": ("customer",),
    "suspend_number": ("number",),
    "hold_payouts": ("customer",),
    "block_caller": ("caller",),
    "ban_ip": ("ip",),
    "disconnect_number": ("number",),
    "end_agreement": ("customer",),
}
SUSPENDING = ("suspend_number", "disconnect_number", "end_agreement")

# category -> automatic measures (kind, duration in seconds or None for until lifted)
POLICIES: dict[str, tuple[tuple[str, float | None], ...]] = {
    "pbx_hacking": (("ban_ip", 3600.0),),
    "call_flooding": (("block_caller", None), ("hold_payouts", None)),
}


class MeasureError(ValueError):
    """A measure that cannot be applied or lifted as asked; the message says why."""


def _now() -> datetime:
    return datetime.now(UTC)


def active(query, now: datetime | None = None):  # noqa: ANN001, ANN201 - a Select in, a Select out
    """Restrict a FraudMeasure query to measures in force at `now`."""
    now = now or _now()
    return query.where(FraudMeasure.lifted_utc.is_(None),
                       or_(FraudMeasure.expires_utc.is_(None), FraudMeasure.expires_utc > now))


def apply_measure(session: Session, kind: str, *, applied_by: str, case_id: int | None = None,
                  number: str | None = None, caller: str | None = None, source_ip: str | None = None,
                  customer_id: int | None = None, duration_s: float | None = None,
                  reason: str = "") -> FraudMeasure:
    """Apply `kind`; an identical measure already in force is returned instead of doubled."""
    if kind not in KINDS:
        raise MeasureError(f"measure {kind!r}: expected one of {', '.join(KINDS)}")
    if customer_id is None and number is not None:
        customer_id = _customer_of(session, number)
    given = {"customer": customer_id, "number": number, "caller": caller, "ip": source_ip}
    missing = [need for need in KINDS[kind] if given[need] is None]
    if missing:
        raise MeasureError(f"measure {kind}: give the {' and '.join(missing)}")
    if duration_s is not None and duration_s <= 0:
        raise MeasureError(f"measure {kind}: duration {duration_s} s must be positive")
    same = active(select(FraudMeasure)).where(
        FraudMeasure.kind == kind, _is(FraudMeasure.number_e164, number),
        _is(FraudMeasure.caller, caller), _is(FraudMeasure.source_ip, source_ip),
        _is(FraudMeasure.customer_id, customer_id))
    existing = session.scalars(same.limit(1)).first()
    if existing is not None:
        return existing
    now = _now()
    measure = FraudMeasure(
        kind=kind, case_id=case_id, customer_id=customer_id, number_e164=number, caller=caller,
        source_ip=source_ip, reason=reason, applied_by=applied_by, applied_utc=now,
        expires_utc=None if duration_s is None else now + timedelta(seconds=duration_s), details={})
    session.add(measure)
    session.flush()
    _effect(session, measure)
    session.flush()
    return measure


def _is(column, value):  # noqa: ANN001, ANN202
    return column.is_(None) if value is None else column == value


def _customer_of(session: Session, number: str) -> int:
    customer_id = session.scalar(select(ServiceNumber.customer_id).where(ServiceNumber.e164 == number))
    if customer_id is None:
        raise MeasureError(f"{number} is not a configured service number")
    return customer_id


def _effect(session: Session, measure: FraudMeasure) -> None:
    kind = measure.kind
    if kind in ("suspend_number", "disconnect_number"):
        _suspend(session, [measure.number_e164], True)
    elif kind == "end_agreement":
        numbers = list(session.scalars(
            select(ServiceNumber.e164).where(ServiceNumber.customer_id == measure.customer_id)))
        measure.details = {"numbers": numbers}
        _suspend(session, numbers, True)
    if kind in ("hold_payouts", "end_agreement"):
        hold = hold_payouts(session, customer_id=measure.customer_id, number_e164=measure.number_e164,
                            held_by=measure.applied_by, reason=measure.reason or f"fraud measure {kind}")
        measure.hold_id = hold.id
    if kind == "warn":
        _queue_warning(session, measure)


def _suspend(session: Session, numbers: list[str | None], suspended: bool) -> None:
    for row in session.scalars(select(ServiceNumber).where(ServiceNumber.e164.in_(numbers))):
        row.suspended = suspended
        row.updated = _now()


def _queue_warning(session: Session, measure: FraudMeasure) -> None:
    customer = session.get(Customer, measure.customer_id)
    if customer is None:
        raise MeasureError(f"customer {measure.customer_id} does not exist")
    case = session.get(FraudCase, measure.case_id) if measure.case_id else None
    about = f" ({case.category} on {case.number_e164 or case.subject})" if case else ""
    session.add(FraudNotice(
        measure_id=measure.id, customer_id=customer.id, to_address=customer.email,
        subject=f"Warning: use of your service violates our acceptable use policy{about}",
        body=(f"Dear {customer.name},\n\nWe saw use of your service that our acceptable use "
              f"policy does not allow{about}.\n{measure.reason}\n\nPlease stop it; further "
              "measures may follow.\n"),
        queued_utc=_now()))


def lift_measure(session: Session, measure_id: int, *, lifted_by: str) -> FraudMeasure:
    """Lift a measure and undo its effects; lifting twice is refused with a message."""
    measure = session.get(FraudMeasure, measure_id)
    if measure is None:
        raise MeasureError(f"measure {measure_id} does not exist")
    if measure.lifted_utc is not None:
        raise MeasureError(f"measure {measure_id} was already lifted by {measure.lifted_by}")
    measure.lifted_utc, measure.lifted_by = _now(), lifted_by
    session.flush()
    if measure.hold_id is not None:
        release_payouts(session, measure.hold_id, released_by=lifted_by)
    if measure.kind in SUSPENDING:
        numbers = measure.details.get("numbers") or [measure.number_e164]
        still = set(suspended_numbers(session))
        _suspend(session, [n for n in numbers if n not in still], False)
    session.flush()
    return measure


def list_measures(session: Session, *, only_active: bool = False,
                  case_id: int | None = None) -> list[FraudMeasure]:
    query = select(FraudMeasure).order_by(FraudMeasure.id)
    if only_active:
        query = active(query)
    if case_id is not None:
        query = query.where(FraudMeasure.case_id == case_id)
    return list(session.scalars(query))


def suspended_numbers(session: Session) -> list[str]:
    """Numbers a measure in force keeps suspended."""
    numbers: list[str] = []
    for measure in session.scalars(active(select(FraudMeasure)).where(FraudMeasure.kind.in_(SUSPENDING))):
        numbers.extend(measure.details.get("numbers") or [measure.number_e164])
    return numbers


def apply_policy(session: Session, case: FraudCase, alert: Alert) -> list[FraudMeasure]:
    """The automatic measures for the alert's category (none: the case waits for staff)."""
    applied = []
    for kind, duration_s in POLICIES.get(alert.category, ()):
        applied.append(apply_measure(
            session, kind, applied_by=f"policy:{alert.category}", case_id=case.id,
            number=alert.number_e164 if kind != "ban_ip" else None,
            caller=alert.caller if kind == "block_caller" else None,
            source_ip=alert.source_ip if kind == "ban_ip" else None,
            customer_id=case.customer_id if kind == "hold_payouts" else None,
            duration_s=duration_s, reason=f"case {case.id}: {alert.summary or alert.category}"))
    return applied
