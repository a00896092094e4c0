"""Payout holds (F14): staff or a fraud measure stop a premium-rate holder's payouts.

The API is shared with the fraud measures, so it takes a caller's session and leaves
committing to the caller: a hold and whatever the fraud measure did with it land in one
transaction. A hold with `number_e164=None` covers all the customer's premium numbers.
A billing run never pays a payout covered by a hold active at the time of the run; it
is paid by the first run after the hold is released.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ringto.numbers.models import Customer

from .models import PayoutHold


class HoldError(ValueError):
    """A hold that cannot be placed or released; the message says why."""


def _now() -> datetime:
    return datetime.now(UTC)


def hold_payouts(
    session: Session, *, customer_id: int, number_e164: str | None, held_by: str, reason: str
) -> PayoutHold:
    """Put the customer's payouts (one number's, or all when None) on hold."""
    if session.get(Customer, customer_id) is None:
        raise HoldError(f"no customer with id {customer_id}")
    if not held_by.strip() or not reason.strip():
        raise HoldError("a hold needs who placed it and why")
    hold = PayoutHold(
        customer_id=customer_id, number_e164=number_e164, reason=reason, held_by=held_by, held_utc=_now()
    )
    session.add(hold)
    session.flush()
    return hold


def release_payouts(session: Session, hold_id: int, *, released_by: str) -> None:
    """Release a hold; payouts it kept back are paid by the next billing run."""
    hold = session.get(PayoutHold, hold_id)
    if hold is None:
        raise HoldError(f"no payout hold with id {hold_id}")
    if hold.released_utc is not None:
        raise HoldError(f"payout hold {hold_id} was already released by {hold.released_by}")
    hold.released_utc = _now()
    hold.released_by = released_by
    session.flush()


def active_holds(session: Session, customer_id: int) -> list[PayoutHold]:
    """The customer's holds not released yet, oldest first."""
    query = (
        select(PayoutHold)
        .where(PayoutHold.customer_id == customer_id, PayoutHold.released_utc.is_(None))
        .order_by(PayoutHold.id)
    )
    return list(session.scalars(query))


def is_held(holds: list[PayoutHold], number_e164: str) -> bool:
    """True when one of `holds` covers the number."""
    return any(h.number_e164 is None or h.number_e164 == number_e164 for h in holds)
